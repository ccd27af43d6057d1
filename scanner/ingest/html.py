"""HTML bodies to plain text, keeping link targets (a banned channel hides in an href).

libxml2's HTML parser (lxml) reads broken markup in linear time; the standard library's
html.parser took minutes on 60 KB of unclosed tags ("<a <a <a ...").
"""

from __future__ import annotations

import base64
import binascii
import re

from lxml import etree

BLOCK_TAGS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr"}
VOID_TAGS = {"br", "hr"}
SKIP_TAGS = {"script", "style", "head", "title"}
LINK_ATTRIBUTES = ("href", "src", "action")


def _parse(html: str):
    parser = etree.HTMLParser(recover=True, no_network=True, huge_tree=True, remove_comments=True, remove_pis=True,
                              encoding="utf-8")
    try:
        return etree.fromstring(html.encode("utf-8", errors="replace"), parser)
    except (etree.LxmlError, ValueError):
        return None


def html_to_text(html: str) -> tuple[str, list[str]]:
    """Readable text and the link targets of an HTML document."""
    root = _parse(html) if html.strip() else None
    if root is None:
        return html.strip(), []
    pieces: list[str] = []
    links: list[str] = []
    skip = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in SKIP_TAGS:
                skip += 1
            elif tag in BLOCK_TAGS:
                pieces.append("\n")
            elif tag in ("td", "th"):
                pieces.append("\t")
            for key, value in element.attrib.items():
                if key.lower() in LINK_ATTRIBUTES and value and not value.startswith(("cid:", "data:", "#")):
                    links.append(value.strip())
            if element.text and not skip:
                pieces.append(element.text)
        else:
            if tag in SKIP_TAGS:
                skip -= 1
            elif tag in BLOCK_TAGS and tag not in VOID_TAGS:
                pieces.append("\n")
            if element.tail and not skip:
                pieces.append(element.tail)
    lines = ("".join(pieces)).replace("\xa0", " ").splitlines()
    text = "\n".join(" ".join(line.split(" ")).strip() for line in lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip(), links


DATA_IMAGE = re.compile(r"""\bsrc\s*=\s*["']?\s*data:image/([\w.+-]{1,20});base64,([A-Za-z0-9+/=\s]{16,})""",
                        re.IGNORECASE)


def data_images(html: str) -> list[tuple[str, bytes]]:
    """Pictures an HTML body carries inline as data: URIs (pasted into some webmail and mobile clients),
    as (file name, bytes): the text of the HTML says nothing of them."""
    out = []
    for number, match in enumerate(DATA_IMAGE.finditer(html), start=1):
        try:
            data = base64.b64decode("".join(match.group(2).split()), validate=False)
        except (binascii.Error, ValueError):
            data = b""
        out.append((f"afbeelding{number}.{match.group(1).lower().split('+')[0]}", data))
    return out
