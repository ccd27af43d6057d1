"""Mutation and structure fuzzer for ingest + scan: broken mails and hostile files.

    nice /work/main/.venv/bin/python -W ignore bench/fuzz.py --variants 3000 --seed 11 --out /tmp/fuzz.jsonl \
        --save /tmp/fuzz-fail     # the failing variants as files, for bisecting

`--only MUTATION,...` runs a few mutations; the run prints the outcome classes per mutation. To fuzz an
older checkout, copy this file into it and set VERZENDCHECK_SHARED to the shared data folder.

Each variant runs `scan_message(load_bytes(data, name))` in a forked child of a warm parent (models
loaded once), under an address-space limit, killed after `--timeout` seconds. Outcomes per variant:

- ok           a result that validates against the contract's JSON schema
- crash        an exception escaped load_bytes or scan_message
- hang         the child ran past the timeout and was killed
- memory       MemoryError, or the child died (the address-space limit, a signal)
- schema       the result does not validate against ../shared/contract/result.schema.json
- pass_unread  verdict "pass" while a part carries an error or is marked truncated / not OCR'd
- walk_aborted an exception inside the MIME walk: reported, but the parts after it were not read
- lost         the canary (a labelled BSN and V-nummer planted in a carrier's body or attachment) was
               neither found nor reported unreadable (no UNSCANNABLE_ATTACHMENT), after a mutation that
               leaves it readable or at least detectably damaged (`keeps` mutations)

Seeds are the bundled samples and ../shared/data's mail, mbox, msg, PDF and DOCX corpora (crash, hang,
memory and schema checks), and carriers built here around the canary (all checks).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import mailbox
import os
import random
import resource
import signal
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VERZENDCHECK_SHARED", ROOT.parent / "shared"))
CANARY = "Het BSN van de client is 111222333 en zijn V-nummer is 2345678901."
CANARY_ENTITIES = {"BSN", "V_NUMBER"}
HEAD = "From: a.jansen@ind.nl\r\nTo: b.bakker@coa.nl\r\nSubject: Overdracht\r\nMessage-ID: <f@ind.nl>\r\n"


# ---------------------------------------------------------------- carriers (canary inside)

def _pdf(text: str) -> bytes:
    """A one-page PDF with `text` in Helvetica (hand-written: no writer library needed)."""
    stream = f"BT /F1 11 Tf 50 750 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _docx(text: str, entity_bomb: str | None = None) -> bytes:
    """A minimal .docx; `entity_bomb` "laughs" or "xxe" puts a hostile DTD in document.xml."""
    dtd = ""
    body = text
    if entity_bomb == "laughs":
        dtd = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + "".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>"
        body = text + " &i;"
    elif entity_bomb == "xxe":
        dtd = '<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        body = text + " &x;"
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{dtd}'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p></w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'content-types"><Override PartName="/word/document.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("word/document.xml", doc)
    return buf.getvalue()


def _pdf_form(text: str) -> bytes:
    """A form whose typed-in field value is `text` (outside the page's text layer)."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(_pdf("Aanvraagformulier")))
    field = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                                                 FT=pikepdf.Name.Tx, T="opmerking", V=text,
                                                 Rect=[50, 600, 500, 620], P=pdf.pages[0].obj))
    pdf.pages[0].obj.Annots = pikepdf.Array([field])
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _pdf_attached(text: str) -> bytes:
    """A PDF that carries `text` as an embedded file."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(_pdf("Zie de bijlage")))
    pdf.attachments["notitie.txt"] = pikepdf.AttachedFileSpec(pdf, text.encode(), filename="notitie.txt")
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _docx_embedding(text: str) -> bytes:
    """A Word file with `text` in an embedded spreadsheet only."""
    base = zipfile.ZipFile(io.BytesIO(_docx("Zie de tabel.")))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in base.infolist():
            zf.writestr(item, base.read(item))
        zf.writestr("word/embeddings/Werkblad1.xlsx", _xlsx(text))
    return buf.getvalue()


def _xlsx(text: str) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Naam", "Opmerking"])
    wb.active.append(["client", text])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _mail(body: str, attachments: list[tuple[str, str, bytes]] = (), boundary: str = "b1") -> bytes:
    """A multipart mail: a text body and base64 attachments (name, content type, bytes)."""
    out = [HEAD, f'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n',
           f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"]
    for name, ctype, data in attachments:
        b64 = base64.encodebytes(data).decode().replace("\n", "\r\n")
        out.append(f'--{boundary}\r\nContent-Type: {ctype}; name="{name}"\r\nContent-Transfer-Encoding: base64'
                   f'\r\nContent-Disposition: attachment; filename="{name}"\r\n\r\n{b64}\r\n')
    out.append(f"--{boundary}--\r\n")
    return "".join(out).encode()


def carriers() -> list[tuple[str, bytes, str]]:
    """(name, bytes, where the canary is) around the canary."""
    plain = "Beste collega,\r\n\r\nZie bijlage.\r\n\r\nGroet, Anna"
    body = f"Beste collega,\r\n\r\n{CANARY}\r\n\r\nGroet, Anna"
    out = [("body.eml", (HEAD + "\r\n" + body + "\r\n").encode(), "body"),
           ("mixed.eml", _mail(body), "body")]
    for name, ctype, data in (("notitie.txt", "text/plain", CANARY.encode()),
                              ("brief.pdf", "application/pdf", _pdf(CANARY)),
                              ("verslag.docx", "application/vnd.openxmlformats-officedocument."
                                               "wordprocessingml.document", _docx(CANARY)),
                              ("lijst.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               _xlsx(CANARY)),
                              ("dossier.zip", "application/zip", _zip({"a/notitie.txt": CANARY.encode(),
                                                                       "b.pdf": _pdf(CANARY)})),
                              ("formulier.pdf", "application/pdf", _pdf_form(CANARY)),
                              ("portfolio.pdf", "application/pdf", _pdf_attached(CANARY)),
                              ("memo.docx", "application/vnd.openxmlformats-officedocument."
                                            "wordprocessingml.document", _docx_embedding(CANARY))):
        out.append((f"att-{name}.eml", _mail(plain, [(name, ctype, data)]), "attachment"))
        out.append((name, data, "bare"))
    return out


def corpus() -> list[tuple[str, bytes]]:
    """Real-world seeds: every sample mail, mbox message, .msg, PDF and DOCX at hand."""
    files: list[Path] = sorted((ROOT / "samples").glob("*.eml"))
    data = SHARED / "data"
    for sub, pattern in (("email-fixtures", "*"), ("maildir-samples", "*"), ("msg-samples", "*.msg"),
                         ("pdf-samples", "*.pdf"), ("docx-samples", "*.docx")):
        files += sorted(p for p in (data / sub).rglob(pattern) if p.is_file() and p.stat().st_size < 3_000_000
                        and not p.name.startswith(("LICENSE", "COPYING")) and p.suffix not in (".py", ".json"))
    out = [(p.name if p.suffix else p.name + ".eml", p.read_bytes()) for p in files]
    for box in [ROOT / "samples" / "sent.mbox", *sorted((data / "mbox-samples").rglob("*.mbox"))]:
        try:
            for i, msg in enumerate(mailbox.mbox(box)):
                out.append((f"{box.stem}-{i}.eml", msg.as_bytes()))
        except Exception:
            pass
    return out


# ---------------------------------------------------------------- mutations
# Each takes (rng, data, name) and returns (data, name); KEEPS are those after which the canary must
# still be found or reported (its content is intact or the damage is detectable).

def m_truncate(rng, d, n):
    return d[: rng.randrange(1, max(2, len(d)))], n


def m_flip(rng, d, n):
    b = bytearray(d)
    for _ in range(rng.choice((1, 3, 20, 200))):
        b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    return bytes(b), n


def m_chunk(rng, d, n):  # duplicate, delete or swap a chunk
    i, j = sorted(rng.randrange(len(d) + 1) for _ in range(2))
    op = rng.randrange(3)
    if op == 0:
        return d[:j] + d[i:j] + d[j:], n
    if op == 1:
        return d[:i] + d[j:], n
    k = rng.randrange(len(d) + 1)
    return (d[:i] + d[j:k] + d[i:j] + d[k:], n) if k > j else (d[:i] + d[j:], n)


def m_drop_boundary(rng, d, n):
    return d.replace(b'boundary="b1"', b"", 1), n


def m_mismatch_boundary(rng, d, n):
    return d.replace(b'boundary="b1"', b'boundary="zz"', 1), n


def m_dup_boundary(rng, d, n):
    return d.replace(b"--b1\r\n", b"--b1\r\n--b1\r\n", 1), n


def m_no_close(rng, d, n):
    return d.replace(b"--b1--", b""), n


def m_cte(rng, d, n):
    cte = rng.choice([b"x-unknown", b"BASE64", b" base64 ", b"base-64", b"8bit", b"quoted-printable", b"uuencode",
                      b"binary", b"7bit; foo", b""])
    return d.replace(b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: " + cte), n


def m_b64_garbage(rng, d, n):  # garbage characters and lost padding inside base64 bodies
    lines = d.split(b"\r\n")
    for i, line in enumerate(lines):
        if len(line) == 76 and rng.random() < 0.3:
            pos = rng.randrange(76)
            lines[i] = line[:pos] + rng.choice([b"!", b"*", b"====", b" ", b"\x00", b"\xc3\xa9"]) + line[pos:]
    return b"\r\n".join(lines).replace(b"=\r\n", b"\r\n"), n


def m_charset(rng, d, n):
    cs = rng.choice([b"utf-7", b"x-unknown", b"utf-16", b"utf-16le", b"utf-32", b"iso-2022-jp", b'"',
                     b"unicode-1-1-utf-7", b"cp65001", b"x-user-defined", b"us-ascii", b"hz", b"idna", b"punycode",
                     b"rot13", b"base64", b"zlib", b"utf-8-sig", b"a" * 300])
    return d.replace(b"charset=utf-8", b"charset=" + cs), n


def m_utf16_body(rng, d, n):  # the body re-encoded UTF-16 without a BOM, label unchanged (or utf-8)
    head, sep, body = d.partition(b"\r\n\r\n")
    if b"multipart" in head.lower():
        return d, n
    enc = rng.choice(["utf-16-le", "utf-16-be"])
    return head + sep + body.decode("utf-8", "replace").encode(enc), n


def m_qp(rng, d, n):  # the body sent quoted-printable with broken soft breaks and stray '='
    head, sep, body = d.partition(b"\r\n\r\n")
    if b"multipart" in head.lower():
        return d, n
    qp = body.replace(b" ", b"=20 ", 3)
    qp = b"=\r\n".join(qp[i:i + 30] for i in range(0, len(qp), 30))
    qp = rng.choice([qp.replace(b"=\r\n", b"= \r\n"), qp.replace(b"=\r\n", b"=\n"), qp + b"=",
                     qp.replace(b"=20", b"=2")])
    return head + b"\r\nContent-Transfer-Encoding: quoted-printable" + sep + qp, n


def m_encoded_words(rng, d, n):
    word = rng.choice([b"=?utf-8?B?T3ZlcmRyYWNodA?=", b"=?x-unknown?Q?Overdracht?=", b"=?utf-8?Q?Overdr=ZZacht?=",
                       b"=?utf-8?B?!!!?=", b"=?utf-7?B?K0FPUS0=?=", b"=?utf-8?Q?a" * 500, b"=??Q??=",
                       b"=?utf-8*nl?Q?Overdracht?=", b"=?UTF-16?B?AE8AdgBlAHI=?="])
    d = d.replace(b"Subject: Overdracht", b"Subject: " + word, 1)
    return d.replace(b'filename="', b'filename="' + word[:40], 1), n


def m_nul_cr(rng, d, n):
    b = bytearray(d)
    for _ in range(rng.choice((1, 10, 100))):
        b.insert(rng.randrange(len(b) + 1), rng.choice((0, 13)))
    return bytes(b), n


def m_lone_cr(rng, d, n):  # all line ends a lone CR (old Mac mail)
    return d.replace(b"\r\n", b"\r"), n


def m_big_header(rng, d, n):
    size = rng.choice((100_000, 1_000_000))
    hdr = rng.choice([b"X-Junk: " + b"a" * size, b"Received: " + b"x " * (size // 2),
                      b"To: " + b", ".join(b"u%d@coa.nl" % i for i in range(size // 12)),
                      b"Subject: " + b"=?utf-8?Q?a?= " * (size // 14),
                      b"X-Fold: a" + b"\r\n b" * (size // 4)])
    return hdr + b"\r\n" + d, n


def m_many_parts(rng, d, n):  # 10k empty parts before the real ones
    count = rng.choice((600, 10_000))
    junk = b"".join(b"--b1\r\nContent-Type: text/plain\r\n\r\nx\r\n" for _ in range(count))
    pos = d.find(b"--b1\r\n")
    return (d[:pos] + junk + d[pos:], n) if pos >= 0 else (d, n)


def m_deep_rfc822(rng, d, n):
    depth = rng.choice((6, 50, 200))
    for i in range(depth):
        d = (f"From: x{i}@ind.nl\r\nTo: y@coa.nl\r\nSubject: Fwd {i}\r\nMIME-Version: 1.0\r\n"
             f'Content-Type: multipart/mixed; boundary="n{i}"\r\n\r\n--n{i}\r\nContent-Type: message/rfc822\r\n\r\n'
             ).encode() + d + f"\r\n--n{i}--\r\n".encode()
    return d, n


def m_deep_multipart(rng, d, n):  # the carrier (its own headers and all) as the innermost of nested multiparts
    depth = rng.choice((50, 200, 2000))
    if b"\r\n\r\n" not in d:
        d = b"Content-Type: text/plain\r\n\r\n" + d
    pre = b"".join(b'Content-Type: multipart/mixed; boundary="d%d"\r\n\r\n--d%d\r\n' % (i, i) for i in range(depth))
    post = b"".join(b"\r\n--d%d--\r\n" % i for i in reversed(range(depth)))
    return HEAD.encode() + b"MIME-Version: 1.0\r\n" + pre + d + post, n


def m_identity(rng, d, n):  # the carrier as built: what the scanner reads of intact input
    return d, n


def m_no_ctype(rng, d, n):  # the top-level Content-Type line lost
    return d.replace(b'Content-Type: multipart/mixed; boundary="b1"\r\n', b"", 1), n


def m_name_lies(rng, d, n):  # an attachment's name and type say one thing, its bytes another
    swaps = [(b'name="notitie.txt"', b'name="notitie.pdf"'), (b'name="brief.pdf"', b'name="brief.zip"'),
             (b'name="verslag.docx"', b'name="verslag.pdf"'), (b'name="dossier.zip"', b'name="dossier.pdf"'),
             (b'name="lijst.xlsx"', b'name="lijst.docx"'), (b'name="verslag.docx"', b'name="verslag.msg"'),
             (b'name="dossier.zip"', b'name="dossier.eml"'), (b'name="brief.pdf"', b'name="brief.png"'),
             (b'name="notitie.txt"', b'name="notitie.bin"'), (b"Content-Type: application/pdf",
                                                               b"Content-Type: application/octet-stream")]
    for a, b in rng.sample(swaps, 3):
        d = d.replace(a, b)
    return d, n


def m_rename_bare(rng, d, n):  # a bare file under a lying name
    return d, rng.choice(["x.pdf", "x.docx", "x.xlsx", "x.zip", "x.msg", "x.eml", "x.txt", "x.png", "x.csv", "x"])


def m_uuencode(rng, d, n):
    lines = "\r\n".join(rng.choice(["M" + "".join(rng.choice("!#$%&'()*+,-./0123456789:;<=>?@AZ[\\]^_`") for _ in
                                                             range(60)), "garbage", "`", "M", "\x00\x01"])
                        for _ in range(rng.choice((3, 50))))
    return d.replace(b"Zie bijlage.", f"Zie bijlage.\r\nbegin 644 lijst.txt\r\n{lines}\r\n`\r\nend".encode()), n


def m_smime(rng, d, n):
    kind = rng.choice(["enveloped-data", "signed-data", "certs-only"])
    junk = base64.encodebytes(bytes(rng.randrange(256) for _ in range(rng.choice((0, 100, 5000))))).decode()
    return (HEAD + f'MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type={kind}; name="smime.p7m"'
            f"\r\nContent-Transfer-Encoding: base64\r\n\r\n{junk}").encode(), n


def m_tnef(rng, d, n):
    tnef = b"\x78\x9f\x3e\x22" + bytes(rng.randrange(256) for _ in range(rng.choice((10, 2000))))
    return _mail("Zie bijlage.", [("winmail.dat", "application/ms-tnef", tnef)]), n


def m_msg_not_ole(rng, d, n):
    return _mail("Zie bijlage.", [("bericht.msg", "application/vnd.ms-outlook", d[:5000])]), n


def m_bad_ole(rng, d, n):
    junk = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(rng.choice((100, 4096))))
    name = rng.choice(["bericht.msg", "verslag.docx", "oud.doc", "lijst.xls"])
    return _mail("Zie bijlage.", [(name, "application/octet-stream", junk)]), n


def m_zip_bomb(rng, d, n):
    kind = rng.randrange(4)
    if kind == 0:  # one member that inflates 1000x
        z = _zip({"leeg.txt": b"\x00" * 50_000_000})
    elif kind == 1:  # nested zips
        z = CANARY.encode()
        for i in range(rng.choice((3, 10))):
            z = _zip({f"laag{i}.zip" if i else "notitie.txt": z})
    elif kind == 2:  # many members
        z = _zip({f"f{i}.txt": b"x" for i in range(rng.choice((250, 5000)))})
    else:  # an encrypted member (flag bit set by hand: zipfile cannot encrypt)
        z = bytearray(_zip({"notitie.txt": CANARY.encode()}, zipfile.ZIP_STORED))
        z[6] |= 1
        cd = z.find(b"PK\x01\x02")
        z[cd + 8] |= 1
        z = bytes(z)
    return _mail("Zie bijlage.", [("dossier.zip", "application/zip", z)]), n


def m_xml_bomb(rng, d, n):
    kind = rng.choice(["laughs", "xxe"])
    name = rng.choice(["verslag.docx", "lijst.xlsx"])
    data = _docx(CANARY, kind)
    if name.endswith("xlsx"):
        x = _xlsx(CANARY)
        zin, buf = zipfile.ZipFile(io.BytesIO(x)), io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zout:
            for item in zin.infolist():
                raw = zin.read(item)
                if item.filename == "xl/sharedStrings.xml" or item.filename == "xl/worksheets/sheet1.xml":
                    dtd = (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + b"".join(
                        b'<!ENTITY %c "%s">' % (98 + i, (b"&%c;" % (97 + i)) * 10) for i in range(8)) + b"]>"
                           if kind == "laughs" else b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>')
                    raw = raw.replace(b"?>", b"?>" + dtd, 1)
                zout.writestr(item, raw)
        data = buf.getvalue()
    return _mail("Zie bijlage.", [(name, "application/octet-stream", data)]), n


def m_encrypted_pdf(rng, d, n):
    import pikepdf

    buf = io.BytesIO()
    with pikepdf.open(io.BytesIO(_pdf(CANARY))) as pdf:
        pdf.save(buf, encryption=pikepdf.Encryption(owner="o", user=rng.choice(["", "geheim"])))
    return _mail("Zie bijlage.", [("brief.pdf", "application/pdf", buf.getvalue())]), n


def m_image_bomb(rng, d, n):  # a few KB of PNG that is 13000 x 13000 pixels
    from PIL import Image

    buf = io.BytesIO()
    Image.new(rng.choice(["1", "L"]), (13000, rng.choice((13000, 9000))), 1).save(buf, "PNG")
    return _mail("Zie bijlage.", [("scan.png", "image/png", buf.getvalue())]), n


def m_many_attachments(rng, d, n):  # the carrier's attachment 300 times
    head, sep, rest = d.partition(b"--b1\r\nContent-Type: text/plain; charset=utf-8")
    att = rest[rest.find(b"--b1\r\n"):rest.rfind(b"--b1--")]
    return (head + sep + rest.replace(b"--b1--", att * 300 + b"--b1--", 1), n) if att and sep else (d, n)


def m_long_line(rng, d, n):  # a body of megabytes on one line
    words = " ".join(rng.choice(["dossier", "1234567", "client", "Amsterdam", "06-12345678", "a@b.nl", "x" * 40])
                     for _ in range(rng.choice((50_000, 400_000))))
    return (HEAD + "\r\n" + words + " " + CANARY + "\r\n").encode(), n


def m_many_pages(rng, d, n):  # a PDF of 3000 pages
    page = ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
            "/Resources << /Font << /F1 4 0 R >> >> >>")
    count = rng.choice((1500, 3000))
    stream = f"BT /F1 11 Tf 50 750 Td ({CANARY}) Tj ET"
    objs = ["<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [" + " ".join(f"{5 + i} 0 R" for i in range(count)) + f"] /Count {count} >>",
            f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", *[page] * count]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return _mail("Zie bijlage.", [("dossier.pdf", "application/pdf", bytes(out))]), n


def m_wrap_attachment(rng, d, n):  # a corpus file (flipped or cut) attached to a mail under its name
    d2, _ = rng.choice([m_flip, m_truncate, m_chunk])(rng, d, n)
    return _mail("Zie bijlage.", [(n, "application/octet-stream", d2)]), "wrap-" + n + ".eml"


MUTATIONS = {
    "identity": m_identity, "no_ctype": m_no_ctype,
    "truncate": m_truncate, "flip": m_flip, "chunk": m_chunk, "drop_boundary": m_drop_boundary,
    "mismatch_boundary": m_mismatch_boundary, "dup_boundary": m_dup_boundary, "no_close": m_no_close,
    "cte": m_cte, "b64_garbage": m_b64_garbage, "charset": m_charset, "utf16_body": m_utf16_body, "qp": m_qp,
    "encoded_words": m_encoded_words, "nul_cr": m_nul_cr, "lone_cr": m_lone_cr, "big_header": m_big_header,
    "many_parts": m_many_parts, "deep_rfc822": m_deep_rfc822, "deep_multipart": m_deep_multipart,
    "name_lies": m_name_lies, "rename_bare": m_rename_bare, "uuencode": m_uuencode, "smime": m_smime,
    "tnef": m_tnef, "msg_not_ole": m_msg_not_ole, "bad_ole": m_bad_ole, "zip_bomb": m_zip_bomb,
    "xml_bomb": m_xml_bomb, "encrypted_pdf": m_encrypted_pdf, "wrap_attachment": m_wrap_attachment,
    "image_bomb": m_image_bomb, "many_attachments": m_many_attachments, "long_line": m_long_line,
    "many_pages": m_many_pages,
}
# After these the canary must be found or its part reported unreadable.
KEEPS = {"identity", "no_ctype",
         "drop_boundary", "mismatch_boundary", "dup_boundary", "no_close", "cte", "b64_garbage", "charset",
         "utf16_body", "qp", "encoded_words", "lone_cr", "big_header", "many_parts", "deep_rfc822",
         "deep_multipart", "name_lies", "rename_bare", "zip_bomb", "xml_bomb", "encrypted_pdf", "nul_cr",
         "many_attachments", "long_line", "many_pages"}


def variants(count: int, seed: int):
    """(id, mutation, name, bytes, canary expected) for `count` variants, reproducible by `seed`."""
    rng = random.Random(seed)
    carry, real = carriers(), corpus()
    names = list(MUTATIONS)
    for i in range(count):
        mutation = names[i % len(names)]
        use_carrier = mutation in KEEPS or rng.random() < 0.5
        if use_carrier:
            name, data, _where = rng.choice(carry)
        else:
            name, data = rng.choice(real)
        if mutation == "rename_bare" and not use_carrier:
            pass
        data2, name2 = MUTATIONS[mutation](rng, data, name)
        canary = use_carrier and mutation in KEEPS
        if mutation in ("zip_bomb",):  # only the nested and the encrypted zips hold the canary
            canary = b"laag" in data2 or b"notitie.txt" in data2
        yield i, mutation, name2, data2, canary


# ---------------------------------------------------------------- running

def _child(data: bytes, name: str, mem: int, wfd: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    os.nice(5)
    try:
        from scanner.core import scan_message
        from scanner.ingest import load_bytes
        from scanner.ingest.limits import Limits

        message = load_bytes(data, name, limits=Limits(max_message_seconds=BUDGET, max_part_seconds=BUDGET))
        result = scan_message(message)
        parts = [{"part": p.part, "kind": p.kind, "name": p.name, "error": p.error,
                  "truncated": bool(p.meta.get("truncated")), "ocr_unread": bool(p.meta.get("ocr_unread")),
                  "chars": len(p.text)} for p in message.parts]
        out = {"status": "ok", "result": result.to_json(), "parts": parts}
    except MemoryError:
        out = {"status": "memory"}
    except BaseException as exc:
        import traceback

        out = {"status": "crash", "error": f"{type(exc).__name__}: {exc}"[:300],
               "trace": traceback.format_exc()[-1500:]}
    try:
        payload = json.dumps(out, default=str).encode()
    except MemoryError:
        payload = b'{"status": "memory"}'
    with os.fdopen(wfd, "wb") as w:
        w.write(payload)
    os._exit(0)


BUDGET = 10.0


def run_one(data: bytes, name: str, timeout: float, mem: int) -> tuple[dict, float]:
    rfd, wfd = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(rfd)
        _child(data, name, mem, wfd)
    os.close(wfd)
    chunks = []
    os.set_blocking(rfd, False)
    status = None
    while True:
        try:
            chunk = os.read(rfd, 1 << 20)
            if chunk:
                chunks.append(chunk)
        except BlockingIOError:
            pass
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - started > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(rfd)
            return {"status": "hang"}, time.monotonic() - started
        time.sleep(0.005)
    os.set_blocking(rfd, True)
    while chunk := os.read(rfd, 1 << 20):
        chunks.append(chunk)
    os.close(rfd)
    elapsed = time.monotonic() - started
    if not chunks:
        return {"status": "memory", "error": f"child died, wait status {status}"}, elapsed
    return json.loads(b"".join(chunks)), elapsed


def classify(out: dict, canary: bool, validator) -> list[str]:
    if out["status"] != "ok":
        return [out["status"]]
    result, classes = out["result"], []
    errors = sorted(validator.iter_errors(result), key=str)
    if errors:
        classes.append("schema")
    unread = [p for p in out["parts"] if p["error"] or p["truncated"] or p["ocr_unread"]]
    if result["verdict"] == "pass" and unread:
        classes.append("pass_unread")
    if any(p["name"] == "(rest van het bericht)" for p in out["parts"]):
        classes.append("walk_aborted")  # reported, but the parts after the failure were not read
    rules = {v["rule"] for v in result["violations"]}
    found = {f["entity"] for f in result["findings"]} & CANARY_ENTITIES
    if canary and not found and "UNSCANNABLE_ATTACHMENT" not in rules:
        classes.append("lost")
    return classes or ["ok"]


def main() -> int:
    global BUDGET
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", type=int, default=600)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds before a variant counts as a hang")
    ap.add_argument("--budget", type=float, default=10.0, help="the message's time budget (Limits)")
    ap.add_argument("--mem-gb", type=float, default=2.0, help="address-space limit of each child")
    ap.add_argument("--only", help="comma-separated mutations to run")
    ap.add_argument("--out", help="JSON Lines of every variant's outcome")
    ap.add_argument("--save", help="folder to write the failing variants to")
    args = ap.parse_args()
    BUDGET = args.budget
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import jsonschema

    from recognizers.engine import get_analyzer
    from scanner.policy import load_policy

    get_analyzer(), load_policy()  # warm: every child inherits the loaded models
    from scanner.core import scan_message
    from scanner.ingest import load_bytes

    scan_message(load_bytes((HEAD + "\r\n" + CANARY).encode(), "warm.eml"))
    validator = jsonschema.Draft202012Validator(json.loads((SHARED / "contract/result.schema.json").read_text()))
    vm = int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    mem = vm + int(args.mem_gb * 2**30)
    only = set(args.only.split(",")) if args.only else None
    totals, per_mutation = Counter(), {}
    sink = open(args.out, "w") if args.out else None
    started = time.monotonic()
    for i, mutation, name, data, canary in variants(args.variants, args.seed):
        if only and mutation not in only:
            continue
        out, elapsed = run_one(data, name, args.timeout, mem)
        classes = classify(out, canary, validator)
        totals.update(classes)
        per_mutation.setdefault(mutation, Counter()).update(classes)
        row = {"id": i, "mutation": mutation, "name": name, "size": len(data), "canary": canary,
               "classes": classes, "seconds": round(elapsed, 2)}
        if classes != ["ok"]:
            row["detail"] = out.get("error") or [p for p in out.get("parts", [])] or None
            row["verdict"] = out.get("result", {}).get("verdict")
            if args.save:
                Path(args.save).mkdir(parents=True, exist_ok=True)
                (Path(args.save) / f"{i:05d}-{mutation}-{Path(name).name}").write_bytes(data)
            if out.get("trace"):
                row["trace"] = out["trace"]
        if sink:
            sink.write(json.dumps(row, default=str) + "\n")
            sink.flush()
    print(f"{sum(per_mutation[m].total() for m in per_mutation)} variants in {time.monotonic() - started:.0f} s: "
          + ", ".join(f"{k} {v}" for k, v in totals.most_common()))
    for mutation, counts in sorted(per_mutation.items()):
        bad = {k: v for k, v in counts.items() if k != "ok"}
        if bad:
            print(f"  {mutation:18} {dict(bad)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
