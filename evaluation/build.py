"""Build a labelled evaluation set: `python evaluation/build.py evaluation/issue18/set1`.

Each set folder holds `mails*.toml`, the hand-written mails (headers, text, HTML, attachments as
text or table rows) with their labels. This script writes one `.eml` per mail and `labels.json`
(expected verdict, rules, and the personal-data values per entity). The mails are fiction written
for the evaluation; they are not derived from `samples/` or `tests/`.
"""

from __future__ import annotations

import csv
import email.policy
import email.utils
import io
import json
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import openpyxl
from PIL import Image, ImageDraw

MIME = {
    "csv": ("text", "csv"), "txt": ("text", "plain"), "png": ("image", "png"),
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def _csv(rows: list[list[str]], bom: bool, delimiter: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL if bom else csv.QUOTE_MINIMAL).writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([int(c) if isinstance(c, str) and c.isdigit() and len(c) < 6 else c for c in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _docx(text: str, rows: list[list[str]]) -> bytes:
    from docx import Document  # python-docx, the test extra

    doc = Document()
    for para in text.split("\n\n") if text else []:
        doc.add_paragraph(para)
    if rows:
        table = doc.add_table(rows=0, cols=len(rows[0]))
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _png(text: str) -> bytes:
    image = Image.new("RGB", (360, 90), "white")
    ImageDraw.Draw(image).line([(10, 60), (80, 20), (140, 70), (220, 25), (330, 55)], fill="navy", width=3)
    if text:
        ImageDraw.Draw(image).text((10, 72), text, fill="black")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def build(folder: Path) -> None:
    spec = {"mail": [m for path in sorted(folder.glob("mails*.toml"))
                     for m in tomllib.loads(path.read_text(encoding="utf-8"))["mail"]]}
    labels = {}
    start = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    for n, mail in enumerate(spec["mail"]):
        msg = EmailMessage(policy=email.policy.SMTP)
        msg["From"] = mail["from"]
        msg["To"] = ", ".join(mail["to"])
        if mail.get("cc"):
            msg["Cc"] = ", ".join(mail["cc"])
        msg["Subject"] = mail["subject"]
        msg["Date"] = email.utils.format_datetime(start + timedelta(hours=7 * n))
        msg["Message-ID"] = f"<{mail['id']}@eval.verzendcheck.invalid>"
        if mail.get("reply"):
            msg["In-Reply-To"] = f"<vraag-{mail['id']}@eval.verzendcheck.invalid>"
        msg.set_content(mail["body"])
        if mail.get("html"):
            msg.add_alternative(mail["html"], subtype="html")
        for att in mail.get("attachment", []):
            kind = att["kind"]
            rows = att.get("rows", [])
            if kind == "csv":
                data = _csv(rows, att.get("bom", False), att.get("delimiter", ";"))
            elif kind == "xlsx":
                data = _xlsx(rows)
            elif kind == "docx":
                data = _docx(att.get("text", ""), rows)
            elif kind == "png":
                data = _png(att.get("text", ""))
            else:
                data = att["text"].encode("utf-8")
            maintype, subtype = MIME[kind]
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=att["name"])
        (folder / f"{mail['id']}.eml").write_bytes(msg.as_bytes())
        label = mail["label"]
        labels[f"{mail['id']}.eml"] = {
            "category": label.get("category", ""),
            "verdict": label["verdict"],
            "rules": sorted(label.get("rules", [])),
            "entities": label.get("entities", {}),
        }
    (folder / "labels.json").write_text(json.dumps(labels, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(labels)} mails written to {folder}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        build(Path(arg))
