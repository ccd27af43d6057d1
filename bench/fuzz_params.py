"""Random MIME parameters (RFC 2231 pieces, odd quoting, NULs) on one part of a two-part mail.

    nice /work/main/.venv/bin/python bench/fuzz_params.py

Counts the mails whose walk was cut short or whose second part went unread, and prints the first few;
an exception out of parse_eml is printed as CRASH.
"""
import base64
import random
import sys

sys.path.insert(0, '.')
from scanner.ingest.mail import parse_eml

rng = random.Random(3)
pieces = ["name", "filename", "charset", "boundary", "name*", "filename*", "filename*0*", "filename*1*", "charset*",
          "format", "delsp", "smime-type", "protocol", "type", "reply-type"]
vals = ["\"a.pdf\"", "utf-8''%e9t%ZZ.pdf", "''", "'", "\"", "=?utf-8?Q?x?=", "utf-8'nl'%41", "x-unknown''abc",
        "%",
        "\"unterminated", ";;", "a\\\"b", "()", "(comment)a.pdf", "\x00", "é.pdf", "utf-16''%00%41", "*", "",
        "=?x?B?!?="]
types = ["text/plain", "application/pdf", "text/html", "multipart/mixed", "message/rfc822", "application/pkcs7-mime",
         "text/calendar", "image/png", "application/octet-stream", "foo", "", "/", "text/", "multipart/alternative"]
aborted = 0
for _ in range(3000):
    params = "".join(f"; {rng.choice(pieces)}={rng.choice(vals)}" for _ in range(rng.randrange(4)))
    dparams = "".join(f"; {rng.choice(pieces)}={rng.choice(vals)}" for _ in range(rng.randrange(4)))
    ct = rng.choice(types)
    disposition = rng.choice(["attachment", "inline", "", "x"])
    part = (f"Content-Type: {ct}{params}\r\nContent-Disposition: {disposition}{dparams}\r\n"
            f"Content-Transfer-Encoding: {rng.choice(['base64', 'quoted-printable', '7bit', 'x'])}\r\n\r\n"
            + base64.encodebytes(b"V-nummer 3000000123 notitie").decode())
    data = ("From: a@ind.nl\r\nTo: b@coa.nl\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="G"\r\n\r\n--G\r\n' + part
            + "\r\n--G\r\nContent-Type: text/plain\r\n\r\nTweede deel\r\n--G--\r\n").encode("utf-8", "surrogateescape")
    try:
        m = parse_eml(data)
    except Exception as e:
        print("CRASH", repr(part[:200]), e)
        continue
    fallback = ("(rest van het bericht)", "(beschadigd deel)", "(opbouw van het bericht)")
    if any(p.name in fallback for p in m.parts) or "Tweede deel" not in "".join(p.text for p in m.parts):
        aborted += 1
        if aborted <= 8:
            print("ABORT", repr(part[:160]))
print("aborted", aborted)
