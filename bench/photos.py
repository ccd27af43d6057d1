"""Phone photos and poor scans of documents: identifier recall of `scan_message` and OCR seconds per image.

The documents are drawn here with Pillow (fake people, checksum-valid BSNs, ICAO check digits), then
degraded the way clerks send them: a phone photo stored sideways with an EXIF Orientation tag, a
shadow across the page, blur, JPEG artefacts, a WhatsApp-sized photo, a 100 dpi fax, scans turned 2 to 5
degrees, a letter in two columns (the cases are CASES).
Nothing is stored: every image is made at run time from a seed.

Run: `.venv/bin/python bench/photos.py [--seed N] [--only CASE,...]`. Prints a Markdown table per case
(identifiers found / expected, the share of the drawn words in the text read, images reported as not
read, images passed in silence, seconds).
The other tests import `document`, `degrade` and `expected` from here (tests/test_ocr.py).
"""

from __future__ import annotations

import argparse
import io
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402

SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SERIF = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"
MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
GIVEN = ["Tesfay", "Amina", "Yusuf", "Mariam", "Dawit", "Fatima", "Samir", "Helen", "Omar", "Rahel", "Ali", "Noor"]
FAMILY = ["Gebremedhin", "Haddad", "Osman", "Tekle", "Rahimi", "Yilmaz", "Abdi", "Kahsay", "Nasser", "Bakri"]
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


@dataclass
class Person:
    given: str
    family: str
    birth: tuple[int, int, int]  # day, month, year
    v_number: str
    bsn: str
    passport: str


def person(rng: random.Random) -> Person:
    """A made-up person: a BSN that passes the 11-proef, a V-nummer of ten digits (no check digit)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            bsn = "".join(map(str, digits)) + str(last)
            break
    v_number = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(9))
    passport = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)) + str(rng.randint(1000000, 9999999))
    return Person(rng.choice(GIVEN), rng.choice(FAMILY), (rng.randint(1, 28), rng.randint(1, 12),
                                                          rng.randint(1960, 2005)), v_number, bsn, passport)


HEADING = "Centraal Orgaan opvang asielzoekers"


def _letter_lines(p: Person) -> list[str]:
    """The letter's lines under its heading; a tab separates a label from its value."""
    day, month, year = p.birth
    return [
        "Aan de gemeente, afdeling Burgerzaken",
        "",
        "Betreft: inschrijving in de Basisregistratie Personen",
        "",
        "Geachte heer, mevrouw,",
        "",
        "Hierbij verzoeken wij u de onderstaande bewoner in te schrijven.",
        "",
        f"Naam:\t{p.given} {p.family}",
        f"Geboortedatum:\t{day:02d}-{month:02d}-{year}",
        f"V-nummer:\t{p.v_number}",
        f"BSN:\t{p.bsn}",
        "",
        "De bewoner verblijft sinds kort op de locatie en heeft een verblijfsvergunning",
        "asiel voor bepaalde tijd. Wij vragen u de inschrijving binnen vijf werkdagen",
        "te verwerken en ons een uittreksel te sturen.",
        "",
        "Met vriendelijke groet,",
        "",
        "Team Bewonerszaken",
    ]


def _letter(p: Person, dpi: int) -> Image.Image:
    """A one-page letter (A4 at `dpi`) with a data block: name, date of birth, V-nummer, BSN."""
    scale = dpi / 200
    img = Image.new("L", (int(1654 * scale), int(2339 * scale)), 255)
    draw = ImageDraw.Draw(img)
    body = ImageFont.truetype(SERIF, int(36 * scale))  # 11 pt at 200 dpi
    head = ImageFont.truetype(SANS, int(44 * scale))
    x, y = int(190 * scale), int(170 * scale)
    draw.text((x, y), HEADING, font=head, fill=0)
    y += int(160 * scale)
    for line in _letter_lines(p):
        if "\t" in line:
            label, value = line.split("\t")
            draw.text((x, y), label, font=body, fill=0)
            draw.text((x + int(420 * scale), y), value, font=body, fill=0)
        else:
            draw.text((x, y), line, font=body, fill=0)
        y += int(58 * scale)
    return img


def _mrz(p: Person) -> list[str]:
    from scanner.ingest.mrz import check_digit

    day, month, year = p.birth
    birth = f"{year % 100:02d}{month:02d}{day:02d}"
    number = p.passport.ljust(9, "<")
    expiry = "301231"
    line1 = f"P<ERI{p.family.upper()}<<{p.given.upper()}".ljust(44, "<")
    personal = "<" * 14
    body = (f"{number}{check_digit(number)}ERI{birth}{check_digit(birth)}F{expiry}{check_digit(expiry)}"
            f"{personal}{check_digit(personal)}")
    composite = body[0:10] + body[13:20] + body[21:43]
    return [line1, body + check_digit(composite)]


def _passport(p: Person, dpi: int) -> Image.Image:
    """A passport's data page (125 x 88 mm at `dpi`) with a face-sized grey box and its MRZ."""
    w, h = int(125 / 25.4 * dpi), int(88 / 25.4 * dpi)
    img = Image.new("L", (w, h), 228)
    draw = ImageDraw.Draw(img)
    small = ImageFont.truetype(SANS, int(h * 0.032))
    value = ImageFont.truetype(SANS, int(h * 0.045))
    mono = ImageFont.truetype(MONO, int(w * 0.0305))
    draw.rectangle((int(w * 0.04), int(h * 0.16), int(w * 0.30), int(h * 0.66)), fill=150)
    day, month, year = p.birth
    x, y = int(w * 0.34), int(h * 0.12)
    for label, text in (("Surname / Nom", p.family.upper()), ("Given names / Prenoms", p.given.upper()),
                        ("Date of birth / Date de naissance", f"{day:02d} {MONTHS[month - 1][:3].upper()} {year}"),
                        ("Passport No.", p.passport)):
        draw.text((x, y), label, font=small, fill=70)
        draw.text((x, y + int(h * 0.038)), text, font=value, fill=0)
        y += int(h * 0.12)
    for i, line in enumerate(_mrz(p)):
        draw.text((int(w * 0.03), int(h * 0.74) + i * int(h * 0.11)), line, font=mono, fill=0)
    return img


def _columns(p: Person, dpi: int) -> Image.Image:
    """The letter set in two columns (A4 at `dpi`, a newsletter's or a leaflet's page): its lines wrapped to
    half the width, the second column holding the data block and what follows."""
    scale = dpi / 200
    img = Image.new("L", (int(1654 * scale), int(2339 * scale)), 255)
    draw = ImageDraw.Draw(img)
    body = ImageFont.truetype(SERIF, int(36 * scale))
    head = ImageFont.truetype(SANS, int(44 * scale))
    left, gap, width = int(150 * scale), int(70 * scale), int(640 * scale)
    draw.text((left, int(170 * scale)), HEADING, font=head, fill=0)
    top = int(330 * scale)
    x, y = left, top
    for line in _letter_lines(p):
        if line.startswith("Naam:"):  # the data block opens the second column
            x, y = left + width + gap, top
        if "\t" in line:
            label, value = line.split("\t")
            draw.text((x, y), label, font=body, fill=0)
            draw.text((x + int(250 * scale), y), value, font=body, fill=0)
            y += int(58 * scale)
            continue
        words, row = line.split(), ""
        for word in [*words, None]:
            if word is not None and draw.textlength(f"{row} {word}".strip(), font=body) <= width:
                row = f"{row} {word}".strip()
                continue
            draw.text((x, y), row, font=body, fill=0)
            y += int(58 * scale)
            row = word or ""
        if not words:
            y += int(58 * scale)
    return img


def document(kind: str, p: Person, dpi: int = 200) -> Image.Image:
    """A clean page (grey) of one kind: "letter", "columns" (the letter in two columns) or "passport"."""
    return {"letter": _letter, "columns": _columns, "passport": _passport}[kind](p, dpi)


def words(kind: str, p: Person) -> set[str]:
    """The words of four or more letters or digits drawn on a document (to see how much of it was read)."""
    if kind == "passport":
        _, month, year = p.birth
        text = (f"Surname Given names Prenoms Date of birth naissance Passport {p.family} {p.given} "
                f"{MONTHS[month - 1][:3]} {year} {p.passport}")
    else:
        text = " ".join([HEADING, *_letter_lines(p)])
    return {w.upper() for w in re.findall(r"\w{4,}", text)}


def expected(kind: str, p: Person) -> dict[str, tuple[str, ...]]:
    """What must be found on the document, by entity: values one of which the finding's text must contain
    (digits of numbers, the family name of a person, the year of a date of birth or its MRZ form)."""
    day, month, year = p.birth
    out = {"PERSON": (p.family,), "DATE_OF_BIRTH": (str(year), f"{year % 100:02d}{month:02d}{day:02d}")}
    if kind != "passport":
        out |= {"V_NUMBER": (p.v_number,), "BSN": (p.bsn,)}
    else:
        out |= {"ID_DOCUMENT": (p.passport,)}
    return out


# -- Degradations -------------------------------------------------------------------------------------


def _perspective(img: Image.Image, corners: list[tuple[float, float]], size: tuple[int, int],
                 fill: int) -> Image.Image:
    """The page warped so that its corners land on `corners` (tl, tr, br, bl) of a canvas of `size`."""
    import numpy as np

    w, h = img.size
    source = [(0, 0), (w, 0), (w, h), (0, h)]
    rows, rhs = [], []
    for (x, y), (u, v) in zip(corners, source, strict=True):  # canvas point (x, y) samples page point (u, v)
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    coeffs = np.linalg.solve(np.array(rows, dtype=float), np.array(rhs, dtype=float))
    return img.transform(size, Image.Transform.PERSPECTIVE, tuple(coeffs), Image.Resampling.BICUBIC, fillcolor=fill)


def _shade(img: Image.Image, rng: random.Random, darkest: float) -> Image.Image:
    """A shadow across the page: brightness falls from 1 to `darkest` from a random side, plus a grey cast."""
    import numpy as np

    h, w = img.height, img.width
    a = np.asarray(img, dtype=np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = (np.cos(angle) * (xx / w - 0.5) + np.sin(angle) * (yy / h - 0.5)) + 0.5
    ramp = np.clip(ramp, 0, 1)
    gain = 1 - (1 - darkest) * ramp ** 1.5
    a = (a * 0.78 + 30) * gain  # paper grey in a room, not white; ink not black
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def _jpeg(img: Image.Image, quality: int, orientation: int = 1) -> bytes:
    buf = io.BytesIO()
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    img.convert("RGB").save(buf, "JPEG", quality=quality, exif=exif.tobytes())
    return buf.getvalue()


def _stored_for(img: Image.Image, orientation: int) -> Image.Image:
    """The pixels a camera stores for an upright picture with this EXIF Orientation (3, 6 or 8)."""
    return {1: img, 3: img.rotate(180), 6: img.rotate(90, expand=True), 8: img.rotate(-90, expand=True)}[orientation]


def _phone(page: Image.Image, rng: random.Random, long_side: int) -> Image.Image:
    """The page photographed on a desk: a little perspective and turn, the desk around it, in portrait."""
    w, h = (3 * long_side // 4, long_side)
    margin_x, margin_y = w * rng.uniform(0.05, 0.10), h * rng.uniform(0.04, 0.08)
    ratio = page.width / page.height
    pw = min(w - 2 * margin_x, (h - 2 * margin_y) * ratio)
    ph = pw / ratio
    x0, y0 = (w - pw) / 2, (h - ph) / 2
    jitter = lambda: rng.uniform(-0.02, 0.02) * pw  # noqa: E731
    corners = [(x0 + jitter(), y0 + jitter()), (x0 + pw + jitter(), y0 + jitter()),
               (x0 + pw + jitter(), y0 + ph + jitter()), (x0 + jitter(), y0 + ph + jitter())]
    return _perspective(page, corners, (w, h), fill=rng.randint(70, 120))


CASES = {
    "scan": "clean scan, 200 dpi PNG",
    "skew": "scan turned 3 degrees, 200 dpi",
    "tilt": "scan turned 2 to 5 degrees either way, 200 dpi",
    "turn": "scan turned 4 to 8 degrees either way, 200 dpi",
    "columns": "scan of a letter in two columns (passport: plain scan), 200 dpi",
    "fax": "fax, 100 dpi, black and white",
    "lowres": "scan at 120 dpi, JPEG 60",
    "exif6": "phone photo stored sideways (EXIF Orientation 6), 3024x4032",
    "exif3": "phone photo stored upside down (EXIF Orientation 3), 3024x4032",
    "shadow": "phone photo with a shadow (to 35 %), 3024x4032",
    "blur": "phone photo, out of focus (blur 2.5 px), 3024x4032",
    "whatsapp": "phone photo sent by WhatsApp (1600 px, JPEG 60), shadow, EXIF 6",
    "dark": "phone photo in a dim room (to 25 %, low contrast), 1600 px",
}


def degrade(page_kind: str, p: Person, case: str, rng: random.Random) -> tuple[bytes, str]:
    """The document as the file a clerk would attach for one case: (bytes, file name)."""
    if case in ("scan", "columns"):
        buf = io.BytesIO()
        document("columns" if case == "columns" and page_kind == "letter" else page_kind, p, 200).save(buf, "PNG")
        return buf.getvalue(), "scan.png"
    if case in ("skew", "tilt", "turn"):
        buf = io.BytesIO()
        low, high = (4, 8) if case == "turn" else (2, 5)
        angle = rng.choice((-3, 3)) if case == "skew" else rng.choice((-1, 1)) * rng.uniform(low, high)
        document(page_kind, p, 200).rotate(angle, expand=True, fillcolor=255,
                                           resample=Image.Resampling.BICUBIC).save(buf, "PNG")
        return buf.getvalue(), "scan.png"
    if case == "fax":
        buf = io.BytesIO()
        document(page_kind, p, 100).point(lambda v: 255 if v > 150 else 0).convert("1").save(buf, "TIFF",
                                                                                           compression="group4")
        return buf.getvalue(), "fax.tif"
    if case == "lowres":
        return _jpeg(document(page_kind, p, 120), 60), "scan.jpg"
    dpi = 300 if page_kind == "letter" else 600  # a passport fills a phone picture less than a page does
    page = document(page_kind, p, dpi)
    long_side = 1600 if case in ("whatsapp", "dark") else 4032
    photo = _phone(page, rng, long_side)
    if case in ("shadow", "whatsapp"):
        photo = _shade(photo, rng, 0.35)
    if case == "dark":
        photo = _shade(photo, rng, 0.25).point(lambda v: int(v * 0.55 + 20))
    if case in ("blur", "whatsapp", "exif6", "exif3", "shadow", "dark"):
        photo = photo.filter(ImageFilter.GaussianBlur(2.5 if case == "blur" else 1.0))
    orientation = {"exif6": 6, "exif3": 3, "whatsapp": 6}.get(case, 1)
    quality = 60 if case in ("whatsapp", "dark") else 85
    return _jpeg(_stored_for(photo, orientation), quality, orientation), "foto.jpg"


# -- Measuring ----------------------------------------------------------------------------------------


def score(data: bytes, name: str, want: dict[str, tuple[str, ...]], policy, drawn: set[str] = frozenset()) -> dict:
    """Identifiers found by `scan_message` on the image alone; whether it was reported as not read; how
    many of the `drawn` words are in the text read."""
    from scanner.core import scan_message
    from scanner.ingest import Limits, load_bytes

    started = time.perf_counter()
    message = load_bytes(data, name, limits=Limits(max_message_seconds=600))
    result = scan_message(message, policy)
    seconds = time.perf_counter() - started
    read = {w.upper() for part in message.parts for w in re.findall(r"\w{4,}", part.text)}
    found = set()
    for entity, values in want.items():
        keys = [re.sub(r"\W", "", v).upper() for v in values]
        if any(f.entity == entity and any(k in re.sub(r"\W", "", f.text).upper() for k in keys)
               for f in result.findings):
            found.add(entity)
    unread = any(v.rule == "UNSCANNABLE_ATTACHMENT" for v in result.violations)
    return {"found": found, "unread": unread, "silent": not found and not unread and result.verdict == "pass",
            "seconds": seconds, "words": len(drawn & read), "drawn": len(drawn)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--people", type=int, default=2, help="people (documents of each kind) per case")
    parser.add_argument("--only", default="", help="comma-separated cases")
    args = parser.parse_args()

    from scanner.policy import load_policy

    policy = load_policy()
    cases = [c for c in CASES if not args.only or c in args.only.split(",")]
    print("| case | found / expected | words read | not read | silent pass | seconds (median) |")
    print("|---|---|---|---|---|---|")
    total = [0, 0]
    misses: dict[str, int] = {}
    for case in cases:
        rng = random.Random(f"{args.seed}-{case}")
        found = want_n = unread = silent = read = drawn = 0
        seconds = []
        for _ in range(args.people):
            p = person(rng)
            for kind in ("letter", "passport"):
                data, name = degrade(kind, p, case, rng)
                want = expected(kind, p)
                r = score(data, name, want, policy, words(kind, p))
                read += r["words"]
                drawn += r["drawn"]
                found += len(r["found"])
                want_n += len(want)
                unread += r["unread"]
                silent += r["silent"]
                seconds.append(r["seconds"])
                for entity in set(want) - r["found"]:
                    misses[f"{kind}:{entity}"] = misses.get(f"{kind}:{entity}", 0) + 1
        total[0] += found
        total[1] += want_n
        print(f"| {CASES[case]} | {found}/{want_n} | {read / max(1, drawn):.0%} | {unread} | {silent} "
              f"| {statistics.median(seconds):.1f} |", flush=True)
    print(f"\nRecall {total[0]}/{total[1]} = {total[0] / max(1, total[1]):.0%}; missed: "
          + ", ".join(f"{k} {v}" for k, v in sorted(misses.items())))


if __name__ == "__main__":
    main()
