"""HTML bodies to plain text, keeping link targets (a banned channel hides in an href)."""

from __future__ import annotations

from html.parser import HTMLParser

BLOCK_TAGS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr"}
SKIP_TAGS = {"script", "style", "head", "title"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self._skip += 1
        elif tag in BLOCK_TAGS:
            self.pieces.append("\n")
        elif tag in ("td", "th"):
            self.pieces.append("\t")
        for key, value in attrs:
            if key in ("href", "src", "action") and value and not value.startswith(("cid:", "data:", "#")):
                self.links.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1
        elif tag in BLOCK_TAGS:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.pieces.append(data)


def html_to_text(html: str) -> tuple[str, list[str]]:
    """Readable text and the link targets of an HTML document."""
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # malformed markup: keep what was read
        pass
    lines = ("".join(parser.pieces)).replace("\xa0", " ").splitlines()
    text = "\n".join(" ".join(line.split(" ")).strip() for line in lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip(), parser.links
