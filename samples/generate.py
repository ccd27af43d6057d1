"""Build the fictional sample mails of verzendcheck: `python samples/generate.py`.

Every person, number and address in the output is invented. The run is
deterministic: the same code writes byte-identical files (fixed seed, fixed
dates, fixed MIME boundaries, normalised zip and PDF metadata), so the
committed output can be checked by regenerating it.

Writes into this folder: the `NN_*.eml` samples, `sent.mbox`, `expected.json`
(the expected rules and verdict per sample, machine-readable) and
`README.md` (the same expectations as a table).
"""

# ruff: noqa: RUF001
# (Dutch typography: the sample texts use en dashes and curly quotes on purpose.)
from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import email.header
import email.policy
import email.utils
import hashlib
import io
import json
import math
import quopri
import random
import re
import secrets
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from openpyxl.styles import Font, PatternFill
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

OUT = Path(__file__).resolve().parent
SEED = 20250512
RNG = random.Random(SEED)
CEST = timezone(timedelta(hours=2))
ZIP_DATE = (2025, 5, 12, 9, 0, 0)
DOC_DATE = "2025-05-12T09:00:00Z"

RULES = (
    "NO_LEGAL_BASIS", "CONSENT_REQUIRED", "SPECIAL_OUTSIDE_CHAIN", "CC_OVERREACH",
    "BANNED_CHANNEL", "INSECURE_TRANSPORT", "FULL_BESCHIKKING", "SOURCE_NOT_OWNER",
    "BULK_PERSONAL_DATA", "INTERNAL_CORRESPONDENCE", "THIRD_PARTY_DATA",
    "PHOTO_ATTACHMENT", "FULL_DOSSIER", "PERSONAL_MAILBOX", "UNSCANNABLE_ATTACHMENT",
    "LAWYER_UNVERIFIED", "USE_CHAIN_SYSTEM", "VERTREKSTRATEGIE_TO_NGO",
    "ASYLUM_MOTIVE_IN_CHAIN", "CASE_NOT_ANONYMISED", "PURPOSE_NOT_STATED",
    "SUBJECTIVE_REMARK",
)
SEVERITY_RANK = {"info": 0, "warn": 1, "block": 2}


# --------------------------------------------------------------------------
# Identifiers: V-nummer, BSN (11-proef), IBAN (mod 97)
# --------------------------------------------------------------------------

_used_vnrs: set[str] = set()


def v_nummer() -> str:
    """A fresh 10-digit V-nummer (never starting with 0: that reads as a phone number)."""
    while True:
        vnr = str(RNG.randint(2_100_000_000, 3_299_999_999))
        if vnr not in _used_vnrs:
            _used_vnrs.add(vnr)
            return vnr


def bsn() -> str:
    """A 9-digit number that passes the 11-proef (weights 9..2 and -1)."""
    while True:
        digits = [RNG.randint(1, 3)] + [RNG.randint(0, 9) for _ in range(7)]
        last = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if last < 10:
            return "".join(map(str, [*digits, last]))


def bsn_valid(number: str) -> bool:
    if len(number) != 9 or not number.isdigit():
        return False
    digits = [int(c) for c in number]
    weighted = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (weighted - digits[8]) % 11 == 0


def iban(bank: str = "ABNA") -> str:
    """A Dutch-format IBAN with a valid mod-97 check; the account number is random."""
    account = "".join(str(RNG.randint(0, 9)) for _ in range(10))
    bban = bank + account
    numeric = "".join(str(int(c, 36)) for c in bban + "NL00")
    check = 98 - int(numeric) % 97
    return f"NL{check:02d}{bban}"


def iban_valid(value: str) -> bool:
    value = value.replace(" ", "")
    return int("".join(str(int(c, 36)) for c in value[4:] + value[:4])) % 97 == 1


def iban_spaced(value: str) -> str:
    return " ".join(value[i:i + 4] for i in range(0, len(value), 4))


def phone_088() -> str:
    return f"088 {RNG.randint(100, 999)} {RNG.randint(1000, 9999)}"


def mobile() -> str:
    return f"06 {RNG.randint(10, 99)} {RNG.randint(10, 99)} {RNG.randint(10, 99)} {RNG.randint(10, 99)}"


# --------------------------------------------------------------------------
# Fictional people
# --------------------------------------------------------------------------


@dataclass
class Person:
    first: str
    last: str
    vnr: str
    dob: str
    nationality: str
    sex: str  # "m" | "v"

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def title(self) -> str:
        return "dhr." if self.sex == "m" else "mevrouw"

    @property
    def header_name(self) -> str:
        return f"{self.last.upper()}, {self.first}"


def dob(year_from: int, year_to: int) -> str:
    day = datetime(year_from, 1, 1) + timedelta(days=RNG.randint(0, (year_to - year_from) * 365))
    return day.strftime("%d-%m-%Y")


# Persons of the worked cases (domain/cases.md) keep their V-nummers there.
_CASE = {
    "tesfay": ("Tesfay", "Gebremariam", "2901834456", "11-06-1996", "Eritrese", "m"),
    "samir": ("Samir", "Haidari", "3102745518", "14-02-2009", "Afghaanse", "m"),
    "karim": ("Karim", "Mansour", "2711093342", "03-10-1987", "Syrische", "m"),
    "hanna": ("Hanna", "Alemu", "2805561203", "22-08-1994", "Eritrese", "v"),
    "rahimi": ("Ahmad", "Rahimi", "3006128870", "01-07-1994", "Afghaanse", "m"),
    "yonas": ("Yonas", "Tekle", "2603390017", "09-01-1992", "Eritrese", "m"),
    "idris": ("Idris", "Musa", "2812204456", "17-05-1990", "Somalische", "m"),
    "dawit": ("Dawit", "Haile", "2702216654", "28-12-1998", "Eritrese", "m"),
    "lina": ("Lina", "Osman", "2909117765", "05-04-1997", "Syrische", "v"),
    "amina": ("Amina", "Yusuf", "3011450092", "19-11-1993", "Somalische", "v"),
    "ali": ("Ali", "Hassan", "2704418823", "30-01-1985", "Iraakse", "m"),
    "aydin": ("Mehmet", "Aydin", "2607781239", "12-09-1983", "Turkse", "m"),
    "omar": ("Omar", "Farah", "2604471188", "07-03-1979", "Somalische", "m"),
}
for _v in _CASE.values():
    _used_vnrs.add(_v[2])
P = {key: Person(*v) for key, v in _CASE.items()}
# New persons for these samples.
P["karimi"] = Person("Ahmad", "Karimi", v_nummer(), "14-03-1991", "Iraanse", "m")
P["moradi"] = Person("Dariush", "Moradi", v_nummer(), dob(1980, 1995), "Iraanse", "m")
P["haddad"] = Person("Nour", "Haddad", v_nummer(), dob(1985, 2000), "Syrische", "v")
P["sultani"] = Person("Farid", "Sultani", v_nummer(), dob(1988, 2001), "Afghaanse", "m")
P["yousef"] = Person("Amal", "Yousef", v_nummer(), dob(1990, 2002), "Iraakse", "v")
P["darwish"] = Person("Rania", "Darwish", v_nummer(), "23-06-1989", "Syrische", "v")
P["alhassan"] = Person("Khaled", "Al-Hassan", v_nummer(), dob(1975, 1995), "Syrische", "m")
P["okafor"] = Person("Chukwuemeka", "Okafor", v_nummer(), dob(1985, 1999), "Nigeriaanse", "m")
P["beridze"] = Person("Giorgi", "Beridze", v_nummer(), dob(1980, 1996), "Georgische", "m")
P["elamrani"] = Person("Hamza", "El Amrani", v_nummer(), dob(1995, 2004), "Marokkaanse", "m")
ahmadi_vnrs = ("2811300021", "2811300039")
_used_vnrs.update(ahmadi_vnrs)
DARWISH_BSN = bsn()
DARWISH_IBAN = iban()
AYDIN_IBAN = iban()

ORIGINS = {
    "Syrische": (["Khaled", "Omar", "Yousef", "Rami", "Fadi", "Samer"], ["Rania", "Huda", "Dima", "Reem"],
                 ["Haddad", "Khoury", "Darwish", "Sabbagh", "Qassem", "Al-Ali"]),
    "Eritrese": (["Filmon", "Semere", "Bereket", "Robel"], ["Saba", "Helen", "Mebrat", "Selam"],
                 ["Berhe", "Kidane", "Ghebremedhin", "Woldu", "Asfaha"]),
    "Afghaanse": (["Mohammad", "Jawad", "Zabihullah", "Naweed"], ["Mariam", "Zahra", "Shabnam"],
                  ["Noori", "Hakimi", "Sadat", "Sultani", "Ahmadzai"]),
    "Turkse": (["Emre", "Burak", "Deniz"], ["Elif", "Zeynep", "Ayşe"], ["Yilmaz", "Kaya", "Demir", "Çelik", "Öztürk"]),
    "Somalische": (["Abdirahman", "Mohamed", "Hassan"], ["Hodan", "Faadumo", "Ayaan"],
                   ["Warsame", "Abdi", "Hirsi", "Nur", "Jama"]),
    "Iraanse": (["Behnam", "Kian", "Arash"], ["Shirin", "Maryam", "Parisa"],
                ["Jafari", "Tehrani", "Rostami", "Safavi"]),
    "Iraakse": (["Haidar", "Mustafa", "Ammar"], ["Zainab", "Sura", "Noor"], ["Al-Jabouri", "Kadhim", "Al-Saadi"]),
    "Nigeriaanse": (["Oluwaseun", "Ibrahim", "Tunde"], ["Ngozi", "Adaeze", "Funmilayo"], ["Adeyemi", "Eze", "Balogun"]),
    "Oekraïense": (["Oleksandr", "Dmytro", "Andriy"], ["Olena", "Iryna", "Kateryna"],
                   ["Kovalenko", "Shevchuk", "Bondarenko", "Melnyk"]),
    "Georgische": (["Levan", "Davit", "Irakli"], ["Nino", "Tamar", "Ketevan"], ["Kapanadze", "Gelashvili", "Lomidze"]),
    "Marokkaanse": (["Youssef", "Mohamed", "Anas"], ["Salma", "Imane", "Nadia"], ["Bennani", "Ouali", "Tahiri"]),
}


def random_person(nationality: str | None = None, years: tuple[int, int] = (1965, 2006)) -> Person:
    nationality = nationality or RNG.choice(sorted(ORIGINS))
    males, females, surnames = ORIGINS[nationality]
    sex = RNG.choice("mv")
    first = RNG.choice(males if sex == "m" else females)
    return Person(first, RNG.choice(surnames), v_nummer(), dob(*years), nationality, sex)


STREETS = ["Lindelaan", "Molenweg", "Kastanjestraat", "Beukenhof", "Zandpad", "Weverstraat",
           "Esdoornlaan", "Korte Akker", "Hoefsmidstraat", "Populierenweg", "Vlasakker", "Rietgors"]


def address(town: str, postcode_prefix: str) -> str:
    letters = "".join(RNG.choice("ABCEGHJKLMNPRSTVWXZ") for _ in range(2))
    return f"{RNG.choice(STREETS)} {RNG.randint(1, 140)}, {postcode_prefix} {letters} {town}"


# --------------------------------------------------------------------------
# Senders and their Dutch signature blocks (not findings: CONTRACT §3)
# --------------------------------------------------------------------------

ORG_NAME = {
    "IND": "Immigratie- en Naturalisatiedienst",
    "DTV": "Dienst Terugkeer en Vertrek",
    "COA": "Centraal Orgaan opvang asielzoekers",
}


@dataclass
class Sender:
    address: str
    name: str
    function: str
    org: str  # IND | DTV | COA
    unit: str
    phone: str = ""
    mobile: str = ""

    def signature(self) -> str:
        lines = ["Met vriendelijke groet,", "", self.name, self.function, ORG_NAME[self.org]]
        if self.org in ("IND", "DTV"):
            lines.append("Ministerie van Justitie en Veiligheid")
        lines.append(self.unit)
        tel = f"T {self.phone}" + (f" | M {self.mobile}" if self.mobile else "")
        lines += [tel, self.address]
        return "\n".join(lines)

    def signature_html(self) -> str:
        rows = self.signature().split("\n")
        return "<br>\n".join(_html_escape(r) for r in rows)


def _sender(address: str, name: str, function: str, org: str, unit: str, with_mobile: bool = False) -> Sender:
    return Sender(address, name, function, org, unit, phone_088(), mobile() if with_mobile else "")


S = {
    "ind_bmw_zwolle": _sender("bmw.zwolle@ind.nl", "Marieke de Graaf", "Beslismedewerker asiel", "IND",
                              "Directie Asiel en Bescherming, locatie Zwolle"),
    "ind_klantcontact": _sender("klantcontact@ind.nl", "Sanne Visser", "Medewerker klantcontact", "IND",
                                "Klantcontactcentrum"),
    "ind_ter_apel": _sender("bmw.ter.apel@ind.nl", "Peter Kuipers", "Senior beslismedewerker", "IND",
                            "Directie Asiel en Bescherming, locatie Ter Apel"),
    "ind_den_bosch": _sender("bmw.den.bosch@ind.nl", "Ilse van Leeuwen", "Beslismedewerker asiel", "IND",
                             "Directie Asiel en Bescherming, locatie Den Bosch"),
    "ind_dekker": _sender("m.dekker@ind.nl", "Mark Dekker", "Coördinator ketensamenwerking", "IND",
                          "Directie Asiel en Bescherming, locatie Zwolle", with_mobile=True),
    "ind_planning": _sender("regio.overleg@ind.nl", "Wouter Hendriks", "Adviseur regiozaken", "IND",
                            "Directie Asiel en Bescherming, Regio Midden", with_mobile=True),
    "ind_idesk": _sender("id-desk@ind.nl", "Kim Bakker", "Medewerker identificatie", "IND",
                         "Directie Asiel en Bescherming, ID-desk Schiphol"),
    "ind_brouwer": _sender("e.brouwer@ind.nl", "Esther Brouwer", "Medewerker regie", "IND",
                           "Directie Asiel en Bescherming, locatie Zwolle"),
    "dtv_vermeulen": _sender("r.vermeulen@dtv.minvenj.nl", "Ruud Vermeulen", "Regievoerder", "DTV",
                             "Regio Oost, Arnhem", with_mobile=True),
    "dtv_haddou": _sender("m.haddou@dtv.minvenj.nl", "Mustafa Haddou", "Regievoerder", "DTV",
                          "Regio Zuid, Budel", with_mobile=True),
    "dtv_noord": _sender("regie.noord@dtv.minvenj.nl", "Anouk Jansen", "Teamleider regievoering", "DTV",
                         "Regio Noord, Ter Apel"),
    "dtv_smits": _sender("l.smits@dtv.minvenj.nl", "Lotte Smits", "Regievoerder", "DTV", "Regio Zuid, Budel"),
    "coa_regio_zuid": _sender("regio-zuid@coa.nl", "Henk Willems", "Regiomanager", "COA", "Regio Zuid"),
    "coa_smit": _sender("l.smit@coa.nl", "Linda Smit", "Woonbegeleider amv", "COA", "Locatie Zutphen", True),
    "coa_tl_budel": _sender("teamleider.budel@coa.nl", "Joost van Dijk", "Teamleider begeleiding", "COA",
                            "Locatie Budel-Cranendonck", True),
    "coa_venlo": _sender("locatie.venlo@coa.nl", "Fatima el Idrissi", "Medewerker bewonerszaken", "COA",
                         "Locatie Venlo"),
    "coa_beveiliging": _sender("beveiliging.budel@coa.nl", "Erik Mulder", "Coördinator veiligheid", "COA",
                               "Locatie Budel-Cranendonck", True),
    "coa_delfzijl": _sender("woonbegeleiding.delfzijl@coa.nl", "Jolanda Meijer", "Woonbegeleider", "COA",
                            "Locatie Delfzijl"),
    "coa_bedrijfsbureau": _sender("bedrijfsbureau.budel@coa.nl", "Bas Peters", "Medewerker bedrijfsbureau", "COA",
                                  "Locatie Budel-Cranendonck"),
    "coa_lso": _sender("lso.secretariaat.zwolle@coa.nl", "Karin Bos", "Secretaris LSO", "COA", "Locatie Zwolle"),
    "coa_juridisch": _sender("juridisch@coa.nl", "Thomas de Wit", "Juridisch medewerker", "COA",
                             "Afdeling Juridische Zaken, Rijswijk"),
    "coa_gezondheid": _sender("gezondheid.tera@coa.nl", "Nicole Hoekstra", "Medewerker gezondheidszaken", "COA",
                              "Locatie Ter Apel"),
    "coa_zwolle": _sender("m.kok@coa.nl", "Martin Kok", "Woonbegeleider", "COA", "Locatie Zwolle"),
    "coa_ter_apel": _sender("opvang.ter.apel@coa.nl", "Sandra Post", "Medewerker opvang", "COA", "Locatie Ter Apel"),
    "coa_zeist": _sender("a.verbeek@coa.nl", "Anne Verbeek", "Casemanager", "COA", "Locatie Zeist"),
}


# --------------------------------------------------------------------------
# Deterministic helpers for binary formats
# --------------------------------------------------------------------------


@contextlib.contextmanager
def seeded_secrets(tag: str) -> Iterator[None]:
    """pypdf draws file ids, salts and IVs from `secrets`; seed them for a repeatable file."""
    local = random.Random(f"{SEED}-{tag}")
    original = secrets.token_bytes
    secrets.token_bytes = lambda n=32: local.randbytes(n)  # type: ignore[assignment]
    try:
        yield
    finally:
        secrets.token_bytes = original  # type: ignore[assignment]


def normalize_zip(data: bytes, extra: dict[str, bytes] | None = None,
                  patch: Callable[[str, bytes], bytes] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """Rewrite an OOXML/zip file with fixed timestamps and metadata dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        members = [(i.filename, src.read(i.filename)) for i in src.infolist() if i.filename not in drop]
        members += list((extra or {}).items())
        for name, content in members:
            if name == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + DOC_DATE.encode(),
                                 content)
            if name == "word/comments.xml":
                content = re.sub(rb'w:date="[^"]*"', b'w:date="' + DOC_DATE.encode() + b'"', content)
            if patch:
                content = patch(name, content)
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, content)
    return out.getvalue()


def make_zip(files: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, content)
    return out.getvalue()


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------
# PDF (reportlab, invariant mode: no creation date, fixed document id)
# --------------------------------------------------------------------------

Block = tuple  # ("h", text) | ("p", text) | ("kv", [(k, v)]) | ("sp", pts) | ("img", png, w, h) | ("small", text)


class PdfBuilder:
    """Lay out pages of blocks; a page that overflows is an error, not a silent reflow."""

    LEFT, RIGHT, TOP, BOTTOM = 72, 60, 96, 78

    def __init__(self, title: str, author: str, subject: str = "",
                 header: Callable[[canvas.Canvas, int, int], None] | None = None,
                 footer: Callable[[canvas.Canvas, int, int], None] | None = None) -> None:
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=A4, invariant=1, pageCompression=1)
        self.c.setTitle(title)
        self.c.setAuthor(author)
        self.c.setSubject(subject)
        self.c.setCreator("Microsoft Word - sjabloon")
        self.header = header
        self.footer = footer
        self.pages: list[list[Block]] = []

    def add_page(self, blocks: list[Block]) -> None:
        self.pages.append(blocks)

    def build(self) -> bytes:
        width, height = A4
        text_width = width - self.LEFT - self.RIGHT
        total = len(self.pages)
        for number, blocks in enumerate(self.pages, start=1):
            if self.header:
                self.header(self.c, number, total)
            if self.footer:
                self.footer(self.c, number, total)
            y = height - self.TOP
            for block in blocks:
                kind = block[0]
                if kind == "h":
                    y -= 8
                    self.c.setFont("Helvetica-Bold", 11)
                    for line in simpleSplit(block[1], "Helvetica-Bold", 11, text_width):
                        self.c.drawString(self.LEFT, y, line)
                        y -= 14
                    y -= 2
                elif kind in ("p", "small"):
                    size, leading = (10, 13.2) if kind == "p" else (8, 10)
                    self.c.setFont("Helvetica", size)
                    for line in simpleSplit(block[1], "Helvetica", size, text_width):
                        self.c.drawString(self.LEFT, y, line)
                        y -= leading
                    y -= 5
                elif kind == "kv":
                    self.c.setFont("Helvetica", 10)
                    for key, value in block[1]:
                        self.c.setFont("Helvetica-Bold", 10)
                        self.c.drawString(self.LEFT, y, key)
                        self.c.setFont("Helvetica", 10)
                        self.c.drawString(self.LEFT + 150, y, value)
                        y -= 13.2
                    y -= 5
                elif kind == "sp":
                    y -= block[1]
                elif kind == "img":
                    _, png, w, h = block
                    y -= h
                    self.c.drawImage(ImageReader(io.BytesIO(png)), self.LEFT, y, width=w, height=h, mask="auto")
                    y -= 4
                if y < self.BOTTOM:
                    raise ValueError(f"page {number} of {self.c._doc.info.title!r} overflows")
            self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


def pdf_pages(data: bytes, keep: list[int]) -> bytes:
    """An excerpt as a sender would make it: the chosen pages of the original, in order."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for number in keep:
        writer.add_page(reader.pages[number - 1])
    writer.add_metadata({"/Title": reader.metadata.title or "", "/Author": reader.metadata.author or ""})
    out = io.BytesIO()
    with seeded_secrets(f"excerpt-{keep}"):
        writer.write(out)
    return out.getvalue()


def pdf_encrypt(data: bytes, password: str, tag: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    with seeded_secrets(tag):
        writer.encrypt(password, algorithm="AES-128")
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()


def rijkslint(c: canvas.Canvas) -> None:
    """A stand-in for the Rijksoverheid logo: the blue vertical ribbon at the top centre."""
    width, height = A4
    c.setFillColorRGB(0.08, 0.27, 0.52)
    c.rect(width / 2 - 9, height - 62, 18, 62, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)


def letterhead(org_lines: list[str]) -> Callable[[canvas.Canvas, int, int], None]:
    def draw(c: canvas.Canvas, number: int, total: int) -> None:
        if number != 1:
            return
        rijkslint(c)
        width, height = A4
        c.setFont("Helvetica-Bold", 9)
        c.drawString(width / 2 + 20, height - 40, org_lines[0])
        c.setFont("Helvetica", 9)
        for i, line in enumerate(org_lines[1:], start=1):
            c.drawString(width / 2 + 20, height - 40 - 11 * i, line)
    return draw


# ---- IND beschikking -------------------------------------------------------


@dataclass
class Beschikking:
    person: Person
    reference: str
    zaaknummer: str
    date: str
    addressee: list[str]
    pages: list[list[Block]]  # pages 2..n (page 1 is built from the fields)
    decision: str
    subject: str = "Besluit op uw aanvraag om een verblijfsvergunning asiel voor bepaalde tijd"


def beschikking_pdf(b: Beschikking) -> bytes:
    person = b.person
    total = 1 + len(b.pages)

    def header(c: canvas.Canvas, number: int, total_pages: int) -> None:
        width, height = A4
        if number == 1:
            letterhead(["Immigratie- en Naturalisatiedienst", "Ministerie van Justitie en Veiligheid",
                        "Directie Asiel en Bescherming", "Retouradres Postbus 30125, 2500 GC Den Haag"])(c, 1, total)
            return
        c.setFont("Helvetica", 8)
        c.drawString(72, height - 50,
                     f"NAAM: {person.header_name}    GEB.: {person.dob}    V-NUMMER: {person.vnr}")
        c.drawRightString(width - 60, height - 50, f"Onze referentie {b.reference}")
        c.line(72, height - 56, width - 60, height - 56)

    def footer(c: canvas.Canvas, number: int, total_pages: int) -> None:
        width, _ = A4
        c.setFont("Helvetica", 8)
        c.drawString(72, 50, "IND | Besluit asiel | " + b.date)
        c.drawRightString(width - 60, 50, f"Pagina {number} van {total_pages}")

    builder = PdfBuilder(f"Beschikking {person.header_name} {person.vnr}", "IND Directie Asiel en Bescherming",
                         b.subject, header, footer)
    first: list[Block] = [
        ("sp", 40),
        ("small", "Retouradres Postbus 30125, 2500 GC Den Haag"),
        *[("small", line) for line in b.addressee],
        ("sp", 6),
        ("kv", [("Datum", b.date), ("Onze referentie", b.reference), ("V-nummer", person.vnr),
                ("Zaaknummer", b.zaaknummer), ("Contactpersoon", "Afdeling Asiel, telefoon 088 043 0430")]),
        ("kv", [("Onderwerp", b.subject)]),
        ("p", f"NAAM: {person.header_name}    GEB.: {person.dob}    V-NUMMER: {person.vnr}"),
        ("h", "Gegevens van de vreemdeling"),
        ("kv", [("NAAM", person.header_name), ("Geboortedatum", person.dob),
                ("Nationaliteit", person.nationality),
                ("V-nummer", person.vnr)]),
        ("h", "Besluit"),
        ("p", b.decision),
        ("p", "In deze beschikking leest u hoe de Staatssecretaris van Justitie en Veiligheid tot dit besluit is "
              "gekomen. Aan het einde leest u wat de gevolgen van dit besluit zijn en wat u kunt doen als u het "
              "er niet mee eens bent."),
    ]
    builder.add_page(first)
    for page in b.pages:
        builder.add_page(page)
    return builder.build()


def karimi_beschikking() -> Beschikking:
    p = P["karimi"]
    gemachtigde = "mr. S. el Khatib, El Khatib Advocaten"
    pages: list[list[Block]] = [
        [  # 2
            ("h", "1. Procesverloop"),
            ("p", f"Op 4 oktober 2023 heeft u een aanvraag ingediend om een verblijfsvergunning asiel voor bepaalde "
                  f"tijd. Op 6 oktober 2023 heeft het aanmeldgehoor plaatsgevonden. Op 21 november 2024 bent u in het "
                  f"kader van het nader gehoor gehoord over de redenen van uw vertrek uit Iran. Bij beide gehoren was "
                  f"een tolk in de Farsi taal aanwezig. Uw gemachtigde, {gemachtigde}, heeft op 29 november 2024 "
                  f"correcties en aanvullingen op het rapport van nader gehoor ingediend."),
            ("p", "Op 3 februari 2025 is aan u het voornemen uitgereikt om uw aanvraag af te wijzen. Op 17 februari "
                  "2025 heeft uw gemachtigde een zienswijze ingediend. Bij dit besluit zijn betrokken: het rapport van "
                  "aanmeldgehoor, het rapport van nader gehoor, de correcties en aanvullingen, het voornemen, de "
                  "zienswijze, het advies van het Bureau Medische Advisering (BMA) van 12 januari 2025 en de door u "
                  "overgelegde documenten."),
            ("h", "2. Overgelegde documenten"),
            ("p", "U heeft de volgende documenten overgelegd: uw Iraanse paspoort (origineel), uw shenasnameh "
                  "(geboorteakte), een doopbewijs van een evangelische gemeente in Zwolle d.d. 14 april 2024, een "
                  "verklaring van de voorganger van die gemeente d.d. 2 mei 2024, een verklaring van een huisarts en "
                  "foto's van littekens op uw rug en polsen. Het paspoort en de shenasnameh zijn door Bureau "
                  "Documenten onderzocht en echt bevonden."),
            ("p", "Uit de documenten en uw verklaringen blijkt dat u op 14-03-1991 bent geboren in Shiraz, dat u de "
                  "Iraanse nationaliteit bezit en dat u gehuwd bent met mevrouw Leila Rostami, geboren op 02-09-1993, "
                  "die met haar ouders in Shiraz woont. Uit het huwelijk zijn geen kinderen geboren."),
        ],
        [  # 3
            ("h", "3. Asielrelaas"),
            ("p", "U heeft aan uw asielaanvraag, samengevat, het volgende ten grondslag gelegd. U bent opgegroeid in "
                  "een sjiitisch gezin. Vanaf 2018 raakte u via een collega bij de tapijthandel van uw oom "
                  "geïnteresseerd "
                  "in het christendom. U bezocht vanaf het voorjaar van 2019 bijeenkomsten van een huiskerk in Shiraz, "
                  "waar een groep van ongeveer twaalf personen samen uit de bijbel las en bad. U verklaart in die "
                  "periode te zijn bekeerd tot het christendom."),
            ("p", "U verklaart daarnaast dat u zich sinds uw jeugd aangetrokken voelt tot mannen. U had vanaf 2020 een "
                  "geheime relatie met een man, de heer S., die u via de huiskerk had leren kennen. U bent in 2017 op "
                  "aandringen van uw familie gehuwd. Uw echtgenote weet volgens u niet van uw homoseksualiteit."),
            ("p", "Op 9 maart 2021 is de huiskerk tijdens een bijeenkomst binnengevallen door agenten van de Etelaat. "
                  "U "
                  "bent opgepakt en drie weken vastgehouden in de Adelabad-gevangenis. Tijdens de verhoren bent u "
                  "volgens uw verklaring geslagen, met een kabel op uw rug gezwapt en langdurig in een koude cel "
                  "vastgebonden. U bent gemarteld om namen van andere leden van de huiskerk te noemen. Na betaling van "
                  "een borgsom door uw oom bent u vrijgelaten onder de voorwaarde dat u zich wekelijks zou melden."),
            ("p", "In augustus 2023 ontdekte een neef van uw echtgenote berichten tussen u en de heer S. op uw "
                  "telefoon. "
                  "U bent daarop met de dood bedreigd door de familie van uw echtgenote, die dreigde u aan te geven "
                  "bij "
                  "de autoriteiten. Op 28 augustus 2023 bent u met hulp van een smokkelaar via Turkije naar Nederland "
                  "gevlucht. U vreest bij terugkeer naar Iran te worden gedetineerd, gemarteld of geëxecuteerd vanwege "
                  "uw bekering en uw seksuele gerichtheid."),
        ],
        [  # 4
            ("h", "4. Identiteit, nationaliteit en herkomst"),
            ("p", "Uw identiteit, nationaliteit en herkomst worden geloofwaardig geacht. U heeft een echt bevonden "
                  "paspoort en een shenasnameh overgelegd en uw verklaringen over Shiraz, de wijk waar u woonde en de "
                  "tapijthandel van uw oom komen overeen met de beschikbare landeninformatie."),
            ("h", "5. Relevante elementen"),
            ("p", "Uit uw verklaringen zijn de volgende relevante elementen gedestilleerd:"),
            ("p", "a. uw identiteit, nationaliteit en herkomst;"),
            ("p", "b. uw gestelde bekering van de islam tot het christendom en uw deelname aan een huiskerk;"),
            ("p", "c. uw gestelde homoseksuele gerichtheid en uw relatie met de heer S.;"),
            ("p", "d. uw detentie door de Etelaat in maart 2021 en de mishandeling tijdens die detentie;"),
            ("p", "e. de doodsbedreigingen door de familie van uw echtgenote."),
            ("p", "Element a is hiervoor geloofwaardig geacht. De elementen b tot en met e worden hierna beoordeeld. "
                  "Daarbij is betrokken dat van een vreemdeling die stelt te zijn bekeerd mag worden verwacht dat hij "
                  "inzicht geeft in de motieven voor en het proces van zijn bekering, en dat van een vreemdeling die "
                  "stelt homoseksueel te zijn mag worden verwacht dat hij verklaart over de bewustwording van en de "
                  "omgang met zijn gerichtheid in zijn land van herkomst."),
        ],
        [  # 5
            ("h", "6. Geloofwaardigheid van de gestelde bekering"),
            ("p", "U heeft verklaard dat u zich tot het christendom aangetrokken voelde omdat het christendom 'een "
                  "religie van liefde' is. Gevraagd naar wat u concreet heeft bewogen om de islam te verlaten, bent u "
                  "niet verder gekomen dan algemene opmerkingen over vrijheid en vergeving. U heeft niet inzichtelijk "
                  "gemaakt hoe u, afkomstig uit een religieus sjiitisch gezin, bent omgegaan met de risico's van "
                  "afvalligheid in Iran, terwijl u wel verklaart dat u die risico's kende."),
            ("p", "Over de huiskerk in Shiraz heeft u weinig concreet verklaard. U kon de namen van slechts twee "
                  "andere "
                  "leden noemen en heeft wisselend verklaard over de frequentie van de bijeenkomsten (wekelijks, "
                  "respectievelijk eens per maand). Ook uw kennis van het christelijk geloof is beperkt; dat is op "
                  "zichzelf niet doorslaggevend, maar uw verklaringen over wat het geloof voor u persoonlijk betekent "
                  "blijven oppervlakkig."),
            ("p", "Het doopbewijs van 14 april 2024 en de verklaring van de voorganger tonen aan dat u in Nederland "
                  "bent gedoopt en de kerkdiensten bezoekt. Zij zeggen echter niets over uw innerlijke overtuiging. "
                  "Gelet op het voorgaande wordt uw bekering tot het christendom niet geloofwaardig geacht."),
        ],
        [  # 6
            ("h", "7. Geloofwaardigheid van de gestelde seksuele gerichtheid"),
            ("p", "U heeft verklaard dat u zich al op jonge leeftijd aangetrokken voelde tot jongens, maar dat u daar "
                  "'niet over nadacht'. Gevraagd hoe u zich voelde toen u besefte dat u homoseksueel bent, in een land "
                  "waar homoseksualiteit zwaar wordt bestraft, heeft u geantwoord dat u 'gewoon voorzichtig' was. Van "
                  "een proces van bewustwording blijkt uit uw verklaringen niet."),
            ("p", "Over uw relatie met de heer S. heeft u summier verklaard. U wist niet waar hij werkte en kon niet "
                  "aangeven hoe jullie contact onderhielden zonder dat uw echtgenote dit merkte. Dat u in 2017 op "
                  "aandringen van uw familie bent gehuwd, maakt uw verklaringen niet aannemelijker: u heeft niet "
                  "verklaard hoe u dat huwelijk heeft beleefd in relatie tot uw gerichtheid."),
            ("p", "In de zienswijze wordt gewezen op de moeilijkheid om over seksuele gerichtheid te spreken. Daarmee "
                  "is rekening gehouden: er is u in het nader gehoor uitdrukkelijk gevraagd naar uw gevoelens en "
                  "ervaringen, en u heeft ruimschoots de gelegenheid gekregen die toe te lichten. Uw gestelde "
                  "homoseksuele gerichtheid en de relatie met de heer S. worden niet geloofwaardig geacht. Daarmee "
                  "wordt ook de ontdekking van de berichten en de doodsbedreiging door de familie van uw echtgenote "
                  "(element e) niet geloofwaardig geacht."),
        ],
        [  # 7
            ("h", "8. Detentie en mishandeling"),
            ("p", "Uw verklaringen over de inval in maart 2021, de Adelabad-gevangenis en de verhoren zijn "
                  "gedetailleerd "
                  "en consistent. U heeft de cel, de dagindeling en de verhoormethoden beschreven in overeenstemming "
                  "met "
                  "de beschikbare landeninformatie over de behandeling van gedetineerden door de Etelaat."),
            ("p", "Uit de verklaring van de huisarts en de foto's blijkt dat u littekens heeft op uw rug en aan beide "
                  "polsen. Volgens de huisarts passen deze littekens bij uw verklaring over slagen met een kabel en "
                  "langdurige fixatie. Uw detentie in maart 2021 en de mishandeling tijdens die detentie worden "
                  "geloofwaardig geacht (element d)."),
            ("p", "Dat u bent vastgehouden tijdens een inval in een huiskerk, betekent echter niet dat u zelf tot het "
                  "christendom bent bekeerd. U bent na drie weken vrijgelaten en heeft daarna ruim twee jaar in Shiraz "
                  "gewoond, gewerkt en gereisd zonder problemen met de autoriteiten. Dat u zich wekelijks moest "
                  "melden, "
                  "heeft u niet met documenten onderbouwd."),
        ],
        [  # 8
            ("h", "9. Medische omstandigheden"),
            ("p", "Uw gemachtigde heeft verzocht rekening te houden met uw psychische klachten. Het Bureau Medische "
                  "Advisering (BMA) heeft op 12 januari 2025 geadviseerd. Volgens het BMA-advies bent u bekend met een "
                  "posttraumatische stressstoornis (PTSS) en depressieve klachten, waarvoor u wordt behandeld door de "
                  "GGZ en medicatie gebruikt (sertraline 100 mg en oxazepam zo nodig). U heeft last van nachtmerries, "
                  "concentratieproblemen en paniekaanvallen."),
            ("p", "Het BMA concludeert dat er geen medische belemmeringen zijn om u te horen, mits bij het gehoor "
                  "rekening wordt gehouden met uw concentratieproblemen (pauzes, korte vragen). Daaraan is voldaan. Uw "
                  "verklaringen zijn dan ook niet anders gewogen vanwege uw psychische klachten, behoudens de "
                  "onduidelijkheden over data, die in uw voordeel zijn uitgelegd."),
            ("p", "Het BMA heeft geen advies uitgebracht over een medische noodsituatie. Er is geen aanleiding om "
                  "ambtshalve te toetsen aan artikel 64 Vw. Wel wordt de opvanglocatie geadviseerd rekening te houden "
                  "met de voortzetting van de behandeling en de medicatie tot het moment van vertrek."),
        ],
        [  # 9
            ("h", "10. Toetsing: gegronde vrees voor vervolging en reëel risico"),
            ("p", "Nu uw bekering en uw seksuele gerichtheid niet geloofwaardig zijn geacht, resteert de vraag of u "
                  "vanwege uw detentie in 2021 bij terugkeer gegronde vrees heeft voor vervolging in de zin van het "
                  "Vluchtelingenverdrag, of een reëel risico loopt op ernstige schade als bedoeld in artikel 3 EVRM."),
            ("p", "Uit de beschikbare landeninformatie blijkt dat de Iraanse autoriteiten bij invallen in huiskerken "
                  "ook "
                  "bezoekers vasthouden die niet tot de kern van de gemeenschap behoren, en dat een deel van hen na "
                  "enkele weken wordt vrijgelaten zonder verdere vervolging. U bent na uw vrijlating niet opnieuw "
                  "benaderd, u heeft Iran legaal met uw eigen paspoort verlaten en u heeft niet aannemelijk gemaakt "
                  "dat de autoriteiten u na 2021 nog als tegenstander beschouwen."),
            ("p", "Gelet hierop komt u niet in aanmerking voor een verblijfsvergunning op grond van artikel 29, eerste "
                  "lid, aanhef en onder a of b, Vw. Er zijn evenmin feiten gesteld die op grond van artikel 29, tweede "
                  "lid, Vw tot verlening kunnen leiden."),
        ],
        [  # 10
            ("h", "11. Zienswijze"),
            ("p", "In de zienswijze wordt aangevoerd dat onvoldoende rekening is gehouden met uw psychische klachten, "
                  "dat de vragen over uw bekering te schools waren en dat de verklaring van de voorganger ten onrechte "
                  "niet is meegewogen. Voor uw psychische klachten wordt verwezen naar paragraaf 9. De vragen over uw "
                  "bekering waren open en gericht op uw persoonlijke motieven. De verklaring van de voorganger is "
                  "meegewogen, maar zegt niets over de periode in Iran."),
            ("p", "Verder wordt aangevoerd dat de littekens de mishandeling bevestigen en daarmee ook de bekering. De "
                  "detentie en mishandeling zijn geloofwaardig geacht; dat leidt echter niet tot de conclusie dat u "
                  "bij "
                  "terugkeer een reëel risico loopt (paragraaf 10). De zienswijze geeft geen aanleiding om anders te "
                  "beslissen dan in het voornemen."),
            ("h", "12. Conclusie"),
            ("p", "De aanvraag om een verblijfsvergunning asiel voor bepaalde tijd wordt afgewezen als ongegrond op "
                  "grond van artikel 31 Vw."),
        ],
        [  # 11
            ("h", "13. Rechtsgevolgen"),
            ("p", "Dit besluit geldt als terugkeerbesluit. U moet Nederland binnen vier weken na de bekendmaking van "
                  "dit besluit uit eigen beweging verlaten (vertrektermijn, artikel 62, eerste lid, Vw). Deze "
                  "vertrekplicht geldt niet zolang u rechtmatig verblijf heeft op grond van een ingesteld rechtsmiddel "
                  "met schorsende werking."),
            ("p", "Na afloop van de vertrektermijn eindigt uw recht op opvang en voorzieningen. Als u niet binnen de "
                  "vertrektermijn vertrekt, kunt u worden uitgezet. De Dienst Terugkeer en Vertrek kan u daarbij "
                  "ondersteunen; u kunt ook contact opnemen met de IOM voor zelfstandig vertrek. Aan u wordt geen "
                  "inreisverbod opgelegd."),
            ("p", "Dit besluit heeft tot gevolg dat u geen aanspraak meer heeft op verstrekkingen op grond van de "
                  "Regeling verstrekkingen asielzoekers en andere categorieën vreemdelingen 2005 na afloop van de "
                  "vertrektermijn, tenzij een voorlopige voorziening wordt getroffen."),
        ],
        [  # 12
            ("h", "14. Rechtsmiddelen"),
            ("p", "Tegen dit besluit kunt u binnen vier weken na de dag van bekendmaking beroep instellen bij de "
                  "rechtbank Den Haag, zittingsplaats Zwolle. Het beroepschrift moet worden ondertekend en ten minste "
                  "bevatten: uw naam en adres, de dagtekening, een omschrijving van het besluit en de gronden van het "
                  "beroep. Voeg een kopie van dit besluit bij."),
            ("p", "Het instellen van beroep heeft schorsende werking. U mag de uitspraak op het beroep in Nederland "
                  "afwachten. Wilt u dat de rechtbank met spoed een voorlopige voorziening treft, dan kunt u daarom "
                  "verzoeken bij de voorzieningenrechter van dezelfde rechtbank."),
            ("p", "Uw gemachtigde kan het beroep digitaal indienen via het webportaal van de Rechtspraak."),
            ("sp", 16),
            ("p", "De Staatssecretaris van Justitie en Veiligheid,"),
            ("p", "namens deze,"),
            ("sp", 18),
            ("p", "M. de Graaf"),
            ("p", "beslismedewerker, Immigratie- en Naturalisatiedienst"),
        ],
    ]
    return Beschikking(
        person=p, reference="2504-1187-3390", zaaknummer="2310-0417-5528", date="8 mei 2025",
        addressee=[f"De heer {p.name}", "p/a COA-locatie Zwolle, Nieuwe Deventerweg 110", "8014 AG Zwolle"],
        pages=pages,
        decision="Uw aanvraag om een verblijfsvergunning asiel voor bepaalde tijd van 4 oktober 2023 wordt "
                 "afgewezen als ongegrond (artikel 31 Vreemdelingenwet 2000). U komt niet in aanmerking voor een "
                 "verblijfsvergunning asiel en u moet Nederland binnen vier weken verlaten.",
    )


def alemu_beschikking() -> Beschikking:
    """Only pages 1, 11 and 12 are ever sent (an excerpt); the middle is the asylum account."""
    p = P["hanna"]
    middle: list[list[Block]] = []
    topics = [
        ("1. Procesverloop", "Op 2 februari 2025 heeft u een aanvraag ingediend. Het aanmeldgehoor vond plaats op 4 "
                             "februari 2025 en het nader gehoor op 11 maart 2025, met een tolk in het Tigrinya."),
        ("2. Asielrelaas", "U verklaart dat u in 2016 bent opgeroepen voor de nationale dienstplicht en dat u in 2021 "
                           "bent gedeserteerd. U bent volgens uw verklaring opgepakt door de militaire politie en "
                           "vastgehouden in een ondergrondse cel in Adi Abeito."),
        ("3. Identiteit, nationaliteit en herkomst", "U heeft geen documenten overgelegd. Uw nationaliteit wordt "
                                                     "geloofwaardig geacht op grond van uw kennis van Asmara."),
        ("4. Relevante elementen", "Relevant zijn uw identiteit, uw desertie en uw detentie."),
        ("5. Geloofwaardigheid van de desertie", "Uw verklaringen over de eenheid, de training in Sawa en de "
                                                 "omstandigheden van uw vertrek zijn vaag en tegenstrijdig."),
        ("6. Geloofwaardigheid van de detentie", "Over de detentie heeft u wisselend verklaard. De detentie wordt "
                                                 "niet geloofwaardig geacht."),
        ("7. Vrees voor vervolging", "U heeft niet aannemelijk gemaakt dat u gegronde vrees voor vervolging heeft."),
        ("8. Zienswijze", "De zienswijze geeft geen aanleiding om anders te beslissen."),
        ("9. Conclusie", "De aanvraag wordt afgewezen als ongegrond op grond van artikel 31 Vw."),
    ]
    for heading, text in topics:
        middle.append([("h", heading), ("p", text)])
    middle.append([
        ("h", "10. Rechtsgevolgen"),
        ("p", "Dit besluit geldt als terugkeerbesluit. U moet Nederland binnen vier weken na de bekendmaking van dit "
              "besluit verlaten (vertrektermijn). Na afloop van de vertrektermijn eindigt uw recht op opvang, tenzij "
              "u beroep instelt en de uitspraak in Nederland mag afwachten."),
        ("p", "Aan u wordt geen inreisverbod opgelegd."),
    ])
    middle.append([
        ("h", "11. Rechtsmiddelen"),
        ("p", "Tegen dit besluit kunt u binnen vier weken na bekendmaking beroep instellen bij de rechtbank Den Haag. "
              "Het beroep heeft schorsende werking. U kunt de voorzieningenrechter verzoeken een voorlopige "
              "voorziening "
              "te treffen."),
        ("sp", 16),
        ("p", "De Staatssecretaris van Justitie en Veiligheid,"),
        ("p", "namens deze,"),
        ("sp", 18),
        ("p", "I. van Leeuwen"),
        ("p", "beslismedewerker, Immigratie- en Naturalisatiedienst"),
    ])
    return Beschikking(
        person=p, reference="2504-2291-0716", zaaknummer="2502-0193-6644", date="2 mei 2025",
        addressee=[f"Mevrouw {p.name}", "p/a COA-locatie Ter Apel, Havikslaan 2", "9561 SB Ter Apel"],
        pages=middle,
        decision="Uw aanvraag om een verblijfsvergunning asiel voor bepaalde tijd van 2 februari 2025 wordt "
                 "afgewezen als ongegrond (artikel 31 Vreemdelingenwet 2000).",
    )


# ---- other PDFs ------------------------------------------------------------


def signature_png(seed: str) -> bytes:
    """A handwritten-looking scribble, as a scanned signature would appear."""
    local = random.Random(f"{SEED}-{seed}")
    img = Image.new("RGBA", (300, 90), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    points = []
    phase, amplitude = local.uniform(0, 3), local.uniform(14, 22)
    for step in range(220):
        t = step / 219
        x = 14 + 250 * t + 9 * math.cos(t * 38 + phase)  # forward drift plus loops
        y = 48 - amplitude * math.sin(t * 19 + phase) * (1 - 0.5 * t) - 12 * math.sin(t * 38)
        points.append((x, y))
    draw.line(points, fill=(20, 30, 110, 255), width=3, joint="curve")
    draw.line([(40, 76), (235, 70)], fill=(20, 30, 110, 255), width=2)
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def machtiging_pdf(person: Person, organisation: str, place: str, date: str) -> bytes:
    builder = PdfBuilder(f"Machtiging {person.name}", organisation, "Machtiging / toestemmingsverklaring")
    builder.add_page([
        ("sp", -30),
        ("h", f"MACHTIGING – {organisation}"),
        ("p", "Verklaring van toestemming voor het opvragen en ontvangen van persoonsgegevens"),
        ("sp", 8),
        ("p", "Ondergetekende,"),
        ("kv", [("Naam", person.name), ("Geboortedatum", person.dob), ("Nationaliteit", person.nationality),
                ("V-nummer", person.vnr)]),
        ("p", f"geeft hierbij toestemming aan {organisation} om namens mij persoonsgegevens over mijn procedure en "
              f"mijn vertrek op te vragen bij en te ontvangen van de Immigratie- en Naturalisatiedienst (IND), de "
              f"Dienst Terugkeer en Vertrek (DT&V) en het Centraal Orgaan opvang asielzoekers (COA)."),
        ("p", "Deze toestemming geldt voor de duur van de begeleiding door de organisatie en kan ik op elk moment "
              "intrekken. Ik heb een kopie van deze machtiging ontvangen. De inhoud is mij voorgelezen in het "
              "Tigrinya."),
        ("sp", 10),
        ("kv", [("Plaats", place), ("Datum", date)]),
        ("p", "Handtekening:"),
        ("img", signature_png(person.vnr), 150, 45),
        ("sp", 20),
        ("small", f"{organisation}, spreekuur Arnhem. Bewaar deze machtiging bij het dossier van de cliënt."),
    ])
    return builder.build()


def kamerbrief_pdf() -> bytes:
    def footer(c: canvas.Canvas, number: int, total: int) -> None:
        c.setFont("Helvetica", 8)
        c.drawRightString(A4[0] - 60, 50, f"Pagina {number} van {total}")

    builder = PdfBuilder("Antwoorden Kamervragen 2025Z11873", "Ministerie van Justitie en Veiligheid",
                         "Antwoorden op Kamervragen over privacy van asielzoekers in de opvang",
                         letterhead(["Ministerie van Justitie en Veiligheid", "Directoraat-Generaal Migratie",
                                     "Turfmarkt 147, 2511 DP Den Haag", "www.rijksoverheid.nl/jenv"]), footer)
    builder.add_page([
        ("sp", 30),
        ("p", "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal"),
        ("p", "Postbus 20018, 2500 EA DEN HAAG"),
        ("kv", [("Datum", "8 juli 2025"), ("Onderwerp", "Antwoorden Kamervragen over privacy van asielzoekers"),
                ("Ons kenmerk", "6194407"), ("Uw kenmerk", "2025Z11873")]),
        ("p", "Hierbij bied ik u de antwoorden aan op de vragen van het lid Brouwer-Kaya over de uitwisseling van "
              "gegevens van asielzoekers tussen de IND en het COA (ingezonden 16 juni 2025)."),
        ("h", "Vraag 1"),
        ("p", "Bent u bekend met berichten dat opvanglocaties volledige beschikkingen van de IND ontvangen?"),
        ("h", "Antwoord op vraag 1"),
        ("p", "Ja. In het verleden verstrekte de IND in een aantal gevallen integrale beschikkingen aan het COA. "
              "Het uitwisselen van integrale beslissingen wordt niet langer als proportioneel beschouwd. Het COA "
              "ontvangt de informatie die het nodig heeft voor de opvang, zoals wel of geen rechtmatig verblijf en "
              "de vertrektermijn."),
        ("h", "Vraag 2"),
        ("p", "Beschouwt u inhoudelijke asielmotieven als bijzondere persoonsgegevens?"),
        ("h", "Antwoord op vraag 2"),
        ("p", "Inhoudelijke asielmotieven kunnen bijzondere persoonsgegevens in de zin van de AVG bevatten, zoals "
              "gegevens over godsdienst, politieke opvattingen of seksuele gerichtheid, maar dat is niet altijd het "
              "geval. Het uitgangspunt is dat inhoudelijke asielmotieven zorgvuldig en vertrouwelijk worden "
              "behandeld, ook in ketenverband."),
    ])
    builder.add_page([
        ("h", "Vraag 3"),
        ("p", "Hoe wordt voorkomen dat medewerkers meer gegevens delen dan nodig?"),
        ("h", "Antwoord op vraag 3"),
        ("p", "De IND, de DT&V en het COA hebben een gezamenlijke handreiking voor incidentele "
              "informatie-uitwisseling opgesteld. Die vraagt medewerkers per verzoek te bepalen wat de partner "
              "nodig heeft, geen lijstjes met persoonsgegevens te delen en bij twijfel de privacy officer te "
              "raadplegen. Daarnaast volgen medewerkers een e-learning over de AVG."),
        ("sp", 20),
        ("p", "De Staatssecretaris van Justitie en Veiligheid,"),
        ("sp", 18),
        ("p", "E.J. van Dalen"),
    ])
    return builder.build()


def coa_pdf(title: str, person: Person, rows: list[tuple[str, str]], text: list[str], author: str) -> bytes:
    """A one-page COA form (intake, bewonersovereenkomst …) for the dossier zip."""
    builder = PdfBuilder(title, author, title,
                         letterhead(["Centraal Orgaan opvang asielzoekers", "Locatie Budel-Cranendonck",
                                     "Postbus 3002, 2280 ME Rijswijk"]))
    blocks: list[Block] = [("sp", 30), ("h", title),
                           ("kv", [("Naam bewoner", person.name), ("V-nummer", person.vnr),
                                   ("Geboortedatum", person.dob), *rows])]
    blocks += [("p", t) for t in text]
    builder.add_page(blocks)
    return builder.build()


def medische_brief_pdf(person: Person) -> bytes:
    builder = PdfBuilder("Medische informatie", "GZA Ter Apel", "Medische informatie",
                         letterhead(["GezondheidsZorg Asielzoekers", "Praktijk Ter Apel"]))
    builder.add_page([
        ("sp", 30),
        ("h", "Medische informatie – vertrouwelijk"),
        ("kv", [("Patiënt", person.name), ("Geboortedatum", person.dob), ("V-nummer", person.vnr)]),
        ("p", "Bij de tbc-screening op 28 april 2025 is op de thoraxfoto een afwijking gezien in de rechter bovenkwab. "
              "Patiënt heeft sinds drie weken hoestklachten en nachtzweten. Verwijzing naar de longarts en de GGD "
              "voor vervolgonderzoek en bron- en contactonderzoek op de locatie."),
        ("p", "Medicatie: geen. Allergieën: geen bekend."),
        ("p", "Huisarts GZA, praktijk Ter Apel"),
    ])
    return builder.build()


# ---- DOCX ------------------------------------------------------------------


def _docx_base(title: str, author: str, category: str = "", keywords: str = "") -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.category = category
    props.keywords = keywords
    props.comments = ""
    props.revision = 3
    props.created = datetime(2025, 5, 12, 9, 0, 0)
    props.modified = datetime(2025, 5, 12, 9, 0, 0)
    return doc


def _page_field(paragraph, instr: str) -> None:
    field_el = OxmlElement("w:fldSimple")
    field_el.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field_el.append(run)
    paragraph._p.append(field_el)


def _header_footer(doc: Document, header: str, footer: str) -> None:
    section = doc.sections[0]
    hp = section.header.paragraphs[0]
    hp.text = header
    hp.runs[0].font.size = Pt(8)
    fp = section.footer.paragraphs[0]
    fp.text = footer + " – pagina "
    _page_field(fp, "PAGE")
    fp.add_run(" van ")
    _page_field(fp, "NUMPAGES")
    fp.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _table(doc: Document, rows: list[tuple[str, ...]], header: bool = False) -> None:
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            if (header and r == 0) or (not header and c == 0):
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    doc.add_paragraph()


def _docx_bytes(doc: Document, custom: dict[str, str] | None = None) -> bytes:
    """Save, drop python-docx's template thumbnail, and add custom document properties if given."""
    out = io.BytesIO()
    doc.save(out)
    extra: dict[str, bytes] = {}
    custom_types = b""
    custom_rels = b""
    if custom:
        props = "".join(
            f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name="{name}">'
            f"<vt:lpwstr>{value}</vt:lpwstr></property>"
            for i, (name, value) in enumerate(custom.items(), start=2))
        extra["docProps/custom.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{props}</Properties>").encode()
        custom_types = (b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                        b'vnd.openxmlformats-officedocument.custom-properties+xml"/>')
        custom_rels = (b'<Relationship Id="rIdCustom1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       b'relationships/custom-properties" Target="docProps/custom.xml"/>')

    def patch(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return content.replace(b"</Types>", custom_types + b"</Types>")
        if name == "_rels/.rels":
            content = re.sub(rb"\s*<Relationship [^>]*Target=\"docProps/thumbnail.jpeg\"/>", b"", content)
            return content.replace(b"</Relationships>", custom_rels + b"</Relationships>")
        return content
    return normalize_zip(out.getvalue(), extra, patch, drop=("docProps/thumbnail.jpeg",))


def gespreksverslag_docx() -> bytes:
    """DT&V vertrekgesprek: header fields and agreements in tables, third parties in the text, one comment."""
    p = P["tesfay"]
    doc = _docx_base("Gespreksverslag vertrekgesprek", "R. Vermeulen")
    _header_footer(doc, f"Dienst Terugkeer en Vertrek – Gespreksverslag – V-nummer {p.vnr}",
                   "DT&V Regio Oost")
    doc.add_heading("Gespreksverslag vertrekgesprek", level=1)
    _table(doc, [
        ("Datum gesprek", "2 mei 2025, 10:00–11:15 uur"),
        ("Locatie", "DT&V-kantoor Arnhem, spreekkamer 3"),
        ("Betrokkene", p.name),
        ("V-nummer", p.vnr),
        ("Geboortedatum", p.dob),
        ("Nationaliteit", "Eritrese"),
        ("Regievoerder", "R. Vermeulen"),
        ("Tolk", "Tigrinya, tolknummer 40213 (telefonisch)"),
    ])
    doc.add_heading("1. Doel van het gesprek", level=2)
    doc.add_paragraph("Het gesprek is het tweede vertrekgesprek. Doel is de stand van zaken rond de documenten voor "
                      "vertrek te bespreken en de medewerking van betrokkene aan de LP-aanvraag vast te stellen.")
    doc.add_heading("2. Verloop", level=2)
    doc.add_paragraph("Betrokkene geeft aan dat hij geen paspoort heeft en nooit een identiteitskaart heeft gehad. "
                      "Hij verklaart dat zijn geboorteakte bij zijn moeder ligt.")
    para = doc.add_paragraph()
    para.add_run("Zijn moeder, Saba Tesfamariam (geboren 1968), woont in Asmara in de wijk Mai Temenai. ")
    flagged = para.add_run("Zijn broer Abel Gebremariam, woonachtig in Asmara, kan de geboorteakte volgens "
                           "betrokkene opsturen; betrokkene gaf als telefoonnummer van zijn broer +291 7 123456.")
    doc.add_comment(flagged, text="Nummer broer nog verifiëren voor de LP-aanvraag; niet opnemen in de brief aan de "
                                  "vertegenwoordiging.", author="R. Vermeulen", initials="RV")
    doc.add_paragraph("Betrokkene deelt een kamer op de COA-locatie Arnhem met zijn kamergenoot Daniel Berhe, die hem "
                      "volgens eigen zeggen helpt met het invullen van formulieren. Betrokkene vraagt of de DT&V de "
                      "kosten van het opsturen van de akte kan vergoeden.")
    doc.add_paragraph("Betrokkene verklaart bereid te zijn mee te werken aan een presentatie bij de vertegenwoordiging "
                      "van Eritrea, maar wil eerst de uitspraak op zijn beroep afwachten.")
    doc.add_heading("3. Afspraken", level=2)
    _table(doc, [
        ("Actie", "Wie", "Wanneer"),
        ("Geboorteakte laten opsturen en inleveren", "Betrokkene", "vóór 16 mei 2025"),
        ("Formulier LP-aanvraag invullen", "Betrokkene met regievoerder", "16 mei 2025"),
        ("Vervolggesprek", "Regievoerder", "16 mei 2025, 10:00 uur"),
    ], header=True)
    doc.add_paragraph("Volgend gesprek: 16 mei 2025. Betrokkene is gewezen op de gevolgen van het niet meewerken aan "
                      "vertrek.")
    return _docx_bytes(doc)


def interne_notitie_docx() -> bytes:
    p = P["aydin"]
    doc = _docx_base("Interne notitie aanhouden beslissing", "I. van Leeuwen", category="Intern",
                     keywords="Intern; niet voor externe verspreiding")
    _header_footer(doc, "INTERN – Niet voor externe verspreiding", "IND – Interne notitie")
    title = doc.add_heading("Interne notitie – niet voor externe verspreiding", level=1)
    title.runs[0].font.color.rgb = RGBColor(0xC0, 0, 0)
    _table(doc, [
        ("Aan", "Teamleider asiel, locatie Den Bosch"),
        ("Van", "I. van Leeuwen, beslismedewerker"),
        ("Datum", "6 mei 2025"),
        ("Betreft", f"Aanhouden beslissing aanvraag {p.name}, V-nummer {p.vnr}"),
        ("Classificatie", "Intern"),
    ])
    doc.add_heading("Aanleiding", level=2)
    doc.add_paragraph(f"De aanvraag van {p.title} {p.name} (geboren {p.dob}) is op 14 januari 2025 ingediend. De "
                      "wettelijke beslistermijn loopt op 14 juli 2025 af. Het nieuwe algemeen ambtsbericht over "
                      "Turkije wordt eind juni verwacht.")
    doc.add_heading("Overwegingen", level=2)
    doc.add_paragraph("Beslissen op basis van het huidige ambtsbericht geeft een reële kans op een vernietiging in "
                      "beroep zodra het nieuwe ambtsbericht verschijnt. Het team heeft in vergelijkbare zaken "
                      "besloten aan te houden. De gemachtigde dringt aan op een spoedige beslissing en heeft een "
                      "ingebrekestelling aangekondigd; het risico op een dwangsom acht ik beperkt.")
    doc.add_heading("Advies", level=2)
    doc.add_paragraph("Mijn advies is de beslissing op de aanvraag aan te houden tot het nieuwe ambtsbericht is "
                      "verschenen, en de gemachtigde alleen te berichten dat de beslissing binnen de wettelijke "
                      "termijn "
                      "volgt. Deze notitie niet aan de gemachtigde verstrekken.")
    return _docx_bytes(doc, {"Classificatie": "Intern",
                             "MSIP_Label_4c1f2a0e-ind0-4b7e-9a31-000000000001_Name": "Intern",
                             "MSIP_Label_4c1f2a0e-ind0-4b7e-9a31-000000000001_Enabled": "true"})


def vertrekstrategie_docx() -> bytes:
    p = P["yonas"]
    doc = _docx_base("Vertrekstrategie", "R. Vermeulen")
    _header_footer(doc, f"Dienst Terugkeer en Vertrek – Vertrekstrategie – {p.name}", "DT&V Regio Oost")
    doc.add_heading("Vertrekstrategie", level=1)
    _table(doc, [
        ("Betrokkene", p.name),
        ("V-nummer", p.vnr),
        ("Geboortedatum", p.dob),
        ("Nationaliteit", "Eritrese"),
        ("Regievoerder", "R. Vermeulen"),
        ("Stand procedure", "Asielprocedure afgerond; vertrektermijn verstreken op 28 april 2025"),
    ])
    doc.add_heading("Strategie", level=2)
    doc.add_paragraph("Inzet is zelfstandig vertrek naar Eritrea. Betrokkene beschikt niet over een reisdocument; "
                      "de LP-aanvraag loopt sinds 22 april 2025. De presentatie bij de Eritrese vertegenwoordiging in "
                      "Den Haag is gepland op 3 juni 2025. Vervoer naar de presentatie door de DT&V.")
    doc.add_paragraph("Bij geen medewerking aan de presentatie of de LP-aanvraag volgt een maatregel (meldplicht bij "
                      "de AVIM) en wordt gedwongen vertrek voorbereid. Een vertrek onder begeleiding wordt "
                      "overwogen als het LP is afgegeven.")
    doc.add_heading("Acties", level=2)
    _table(doc, [
        ("Actie", "Datum", "Status"),
        ("LP-aanvraag ingediend", "22-04-2025", "loopt"),
        ("Presentatie Eritrese vertegenwoordiging", "03-06-2025", "gepland"),
        ("Vertrekgesprek 3", "10-06-2025", "gepland"),
        ("Vluchtgegevens aanvragen bij DVO na afgifte LP", "–", "open"),
    ], header=True)
    return _docx_bytes(doc)


def lso_verslag_docx(cases: list[tuple[Person, str]]) -> bytes:
    doc = _docx_base("Verslag LSO 2025-05-06", "K. Bos")
    _header_footer(doc, "Centraal Orgaan opvang asielzoekers – Lokaal Samenwerkingsoverleg (LSO) Zwolle – verslag "
                        "6 mei 2025", "COA locatie Zwolle, secretariaat LSO")
    doc.add_paragraph("Centraal Orgaan opvang asielzoekers – locatie Zwolle")
    doc.add_heading("Verslag LSO Zwolle, 6 mei 2025", level=1)
    _table(doc, [
        ("Deelnemers", "AVIM (politie IJsselland), IND, COA locatie Zwolle, DT&V Regio Oost"),
        ("Gast", "Nidos (bij punt 4)"),
        ("Voorzitter", "COA, K. Bos (ook verslag)"),
    ])
    doc.add_heading("Casuïstiek", level=2)
    for number, (person, agreement) in enumerate(cases, start=1):
        doc.add_heading(f"Punt {number}. {person.name} (V-nr {person.vnr})", level=3)
        doc.add_paragraph(agreement)
    doc.add_paragraph("Volgende LSO: 3 juni 2025, 10:00 uur, COA locatie Zwolle.")
    return _docx_bytes(doc)


def brief_docx(person: Person) -> bytes:
    doc = _docx_base("Brief kamerwissel", "COA locatie Budel-Cranendonck")
    _header_footer(doc, "Centraal Orgaan opvang asielzoekers – locatie Budel-Cranendonck", "COA")
    doc.add_paragraph(f"Aan: {person.title} {person.name}, V-nummer {person.vnr}")
    doc.add_paragraph("Budel, 2 april 2025")
    doc.add_paragraph("Onderwerp: kamerwissel")
    doc.add_paragraph(f"Geachte {'heer' if person.sex == 'm' else 'mevrouw'} {person.last},")
    doc.add_paragraph("Wegens renovatie van unit C verhuist u op 14 april 2025 naar unit F, kamer 12. Uw "
                      "woonbegeleider helpt u met de verhuizing. Heeft u vragen, kom dan naar het spreekuur.")
    doc.add_paragraph("Met vriendelijke groet,\nCOA locatie Budel-Cranendonck")
    return _docx_bytes(doc)


# ---- spreadsheets and images ----------------------------------------------


def bezettingslijst_xlsx(residents: list[tuple[Person, str, str, str]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bezetting 12-05-2025"
    ws.append(["Bezettingslijst COA locatie Budel-Cranendonck, peildatum 12-05-2025"])
    ws["A1"].font = Font(bold=True, size=12)
    header = ["Achternaam", "Voornaam", "V-nummer", "BSN", "Geboortedatum", "Nationaliteit", "Adres", "Unit/kamer",
              "Fase"]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    for person, bsn_value, addr, unit in residents:
        fase = "statushouder" if bsn_value else RNG.choice(["AA", "AVP", "beroep", "vertrektermijn", "Dublin"])
        ws.append([person.last, person.first, person.vnr, bsn_value, person.dob, person.nationality, addr, unit, fase])
    for col, width in zip("ABCDEFGHI", (16, 14, 13, 11, 13, 13, 40, 11, 14), strict=True):
        ws.column_dimensions[col].width = width
    totals = wb.create_sheet("Totalen")
    totals.append(["Nationaliteit", "Aantal bewoners"])
    counts: dict[str, int] = {}
    for person, *_ in residents:
        counts[person.nationality] = counts.get(person.nationality, 0) + 1
    for nationality in sorted(counts):
        totals.append([nationality, counts[nationality]])
    wb.properties.creator = "B. Peters"
    wb.properties.lastModifiedBy = "B. Peters"
    wb.properties.title = "Bezettingslijst"
    wb.properties.created = datetime(2025, 5, 12, 9, 0, 0)
    wb.properties.modified = datetime(2025, 5, 12, 9, 0, 0)
    out = io.BytesIO()
    wb.save(out)
    return normalize_zip(out.getvalue())


def afspraken_csv(rows: list[tuple[Person, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Tijd", "Achternaam", "Voornaam", "V-nummer", "Geboortedatum", "Nationaliteit", "Afspraak"])
    for person, time, kind in rows:
        writer.writerow([time, person.last, person.first, person.vnr, person.dob, person.nationality, kind])
    return out.getvalue().encode("utf-8-sig")


def pasfoto_jpeg() -> bytes:
    """A 35x45 passport-photo placeholder: a drawn face on a plain background, no real person."""
    img = Image.new("RGB", (350, 450), (214, 222, 230))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((78, 78, 272, 372), radius=80, fill=(40, 30, 25))  # long hair behind the face
    d.ellipse((40, 330, 310, 560), fill=(52, 62, 84))  # shoulders
    d.rectangle((150, 270, 200, 350), fill=(176, 128, 96))  # neck
    d.ellipse((95, 90, 255, 300), fill=(190, 140, 105))  # face
    d.chord((88, 70, 262, 210), 180, 360, fill=(40, 30, 25))  # hair
    for x in (135, 195):
        d.ellipse((x, 170, x + 22, 184), fill=(255, 255, 255))
        d.ellipse((x + 7, 172, x + 16, 182), fill=(45, 35, 30))
        d.line((x - 2, 160, x + 24, 158), fill=(50, 35, 30), width=4)
    d.line((175, 190, 168, 232), fill=(150, 100, 75), width=3)
    d.line((168, 232, 182, 234), fill=(150, 100, 75), width=3)
    d.arc((145, 235, 205, 268), 20, 160, fill=(120, 60, 55), width=4)
    d.ellipse((88, 175, 102, 215), fill=(180, 130, 98))
    d.ellipse((248, 175, 262, 215), fill=(180, 130, 98))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82, optimize=True, dpi=(300, 300))
    return out.getvalue()


def scan_jpeg(label: str) -> bytes:
    """A grey 'scan' of a document page with a few text-like bars."""
    local = random.Random(f"{SEED}-{label}")
    img = Image.new("L", (620, 877), 236)
    d = ImageDraw.Draw(img)
    d.rectangle((40, 40, 580, 90), fill=200)
    y = 130
    while y < 820:
        d.rectangle((50, y, 50 + local.randint(250, 520), y + 9), fill=local.randint(90, 140))
        y += 22
    out = io.BytesIO()
    img.save(out, "JPEG", quality=60, optimize=True)
    return out.getvalue()


def logo_png(org: str) -> bytes:
    """A small signature logo (inline, cid-referenced): not a photo attachment."""
    img = Image.new("RGB", (160, 48), (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 14, 47), fill=(0, 102, 161))
    d.text((24, 16), org, fill=(0, 102, 161))
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def smime_signature_blob(tag: str) -> bytes:
    """DER-shaped bytes standing in for a PKCS#7 detached signature (structure only, not verifiable)."""
    body = hashlib.sha256(f"{SEED}-{tag}".encode()).digest() * 24
    oid = bytes.fromhex("06092a864886f70d010702")  # 1.2.840.113549.1.7.2 signedData
    inner = oid + b"\xa0\x82" + len(body).to_bytes(2, "big") + body
    return b"\x30\x82" + len(inner).to_bytes(2, "big") + inner


# --------------------------------------------------------------------------
# A small explicit MIME writer: every header, charset, transfer encoding and
# boundary is chosen here, so the samples exercise the parser on purpose.
# --------------------------------------------------------------------------


@dataclass
class Mime:
    headers: list[tuple[str, str]]
    body: bytes = b""
    parts: list[Mime] = field(default_factory=list)
    boundary: str = ""

    def to_bytes(self) -> bytes:
        head = "\n".join(f"{name}: {value}" for name, value in self.headers).encode("ascii")
        if not self.parts:
            body = self.body if self.body.endswith(b"\n") else self.body + b"\n"
            return head + b"\n\n" + body
        out = [head, b"\n\nThis is a multi-part message in MIME format.\n"]
        for part in self.parts:
            out += [b"\n--", self.boundary.encode(), b"\n", part.to_bytes()]
        out += [b"\n--", self.boundary.encode(), b"--\n"]
        return b"".join(out)


def hdr(text: str, charset: str = "utf-8") -> str:
    """Encode a header value as RFC 2047 words when it is not plain ASCII."""
    try:
        text.encode("ascii")
        return text
    except UnicodeEncodeError:
        return email.header.Header(text, charset, maxlinelen=900).encode()


Addr = tuple[str, str]  # (display name, address)


def fmt_addrs(addrs: list[Addr], charset: str = "utf-8") -> str:
    return ",\n ".join(email.utils.formataddr((hdr(name, charset), a)) if name else a for name, a in addrs)


def encode_body(data: bytes, cte: str, filename: str = "") -> bytes:
    if cte == "base64":
        return base64.encodebytes(data)
    if cte == "quoted-printable":
        return quopri.encodestring(data)
    if cte == "x-uuencode":
        lines = [f"begin 644 {filename}".encode()]
        lines += [binascii.b2a_uu(data[i:i + 45], backtick=True).rstrip(b"\n") for i in range(0, len(data), 45)]
        lines += [b"`", b"end"]
        return b"\n".join(lines) + b"\n"
    return data  # 7bit / 8bit


def text_part(text: str, subtype: str = "plain", charset: str = "utf-8", cte: str = "quoted-printable") -> Mime:
    data = text.encode(charset)
    return Mime([("Content-Type", f'text/{subtype}; charset="{charset}"'), ("Content-Transfer-Encoding", cte)],
                encode_body(data, cte))


def attachment(data: bytes, ctype: str, filename: str, cte: str = "base64", inline_cid: str = "") -> Mime:
    headers = [("Content-Type", f'{ctype}; name="{filename}"')]
    if inline_cid:
        headers += [("Content-ID", f"<{inline_cid}>"), ("Content-Disposition", f'inline; filename="{filename}"')]
    else:
        headers.append(("Content-Disposition", f'attachment; filename="{filename}"'))
    headers.append(("Content-Transfer-Encoding", cte))
    return Mime(headers, encode_body(data, cte, filename))


def rfc822_part(message: bytes, filename: str) -> Mime:
    return Mime([("Content-Type", f'message/rfc822; name="{filename}"'),
                 ("Content-Disposition", f'attachment; filename="{filename}"'),
                 ("Content-Transfer-Encoding", "8bit")], message)


_boundary_counter = [0]


def multipart(subtype: str, parts: list[Mime], params: str = "") -> Mime:
    _boundary_counter[0] += 1
    number = _boundary_counter[0]
    boundary = f"----=_NextPart_{number:03d}_{hashlib.sha1(str(number).encode()).hexdigest()[:12]}"
    ctype = f'multipart/{subtype};{params} boundary="{boundary}"'
    return Mime([("Content-Type", ctype)], parts=parts, boundary=boundary)


def message_id(when: datetime, sender: str, tag: str) -> str:
    digest = hashlib.sha1(f"{SEED}-{tag}".encode()).hexdigest()[:16].upper()
    return f"<{when:%Y%m%d%H%M%S}.{digest}@{sender.split('@', 1)[1]}>"


def message(sender: Sender | Addr, to: list[Addr], subject: str, when: datetime, root: Mime, tag: str,
            cc: list[Addr] | None = None, in_reply_to: str = "", charset: str = "utf-8",
            extra: list[tuple[str, str]] | None = None, mailer: str = "Microsoft Outlook 16.0") -> bytes:
    if isinstance(sender, Sender):
        sender = (sender.name, sender.address)
    headers = [("From", fmt_addrs([sender], charset)), ("To", fmt_addrs(to, charset))]
    if cc:
        headers.append(("Cc", fmt_addrs(cc, charset)))
    headers += [("Subject", hdr(subject, charset)),
                ("Date", email.utils.format_datetime(when)),
                ("Message-ID", message_id(when, sender[1], tag))]
    if in_reply_to:
        headers += [("In-Reply-To", in_reply_to), ("References", in_reply_to)]
    headers += extra or []
    headers += [("MIME-Version", "1.0"), ("Content-Language", "nl-NL"), ("X-Mailer", mailer)]
    root = Mime(headers + root.headers, root.body, root.parts, root.boundary)
    return root.to_bytes()


def quoted_outlook(sender: Addr, to: Addr, when: datetime, subject: str, text: str) -> str:
    """A quoted original as Outlook (nl) writes it below a reply."""
    weekday = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"][when.weekday()]
    month = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december"][when.month - 1]
    return (f"\n\nVan: {sender[0]} <{sender[1]}>\nVerzonden: {weekday} {when.day} {month} {when.year} "
            f"{when:%H:%M}\nAan: {to[0]} <{to[1]}>\nOnderwerp: {subject}\n\n{text}")


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2025, 5, day, hour, minute, 0, tzinfo=CEST)


def me(sender: Sender) -> Addr:
    return (sender.name, sender.address)


def plain(sender: Sender, text: str) -> str:
    return f"{text}\n\n{sender.signature()}"


def simple_text_mail(sender: Sender, to: list[Addr], subject: str, when: datetime, text: str, tag: str,
                     cc: list[Addr] | None = None, charset: str = "utf-8", cte: str = "quoted-printable",
                     in_reply_to: str = "", attachments: list[Mime] | None = None) -> bytes:
    body = text_part(plain(sender, text), charset=charset, cte=cte)
    root = multipart("mixed", [body, *attachments]) if attachments else body
    return message(sender, to, subject, when, root, tag, cc=cc, in_reply_to=in_reply_to, charset=charset)


def external_id(when: datetime, domain: str, tag: str) -> str:
    return f"<{when:%Y%m%d%H%M%S}.{hashlib.sha1(tag.encode()).hexdigest()[:10]}@{domain}>"


# --------------------------------------------------------------------------
# Shared attachments (built once)
# --------------------------------------------------------------------------

_cache: dict[str, bytes] = {}


def cached(key: str, make: Callable[[], bytes]) -> bytes:
    if key not in _cache:
        _cache[key] = make()
    return _cache[key]


def karimi_pdf() -> bytes:
    return cached("karimi", lambda: beschikking_pdf(karimi_beschikking()))


def alemu_excerpt_pdf() -> bytes:
    return cached("alemu", lambda: pdf_pages(beschikking_pdf(alemu_beschikking()), [1, 11, 12]))


def machtiging_tekle_pdf() -> bytes:
    return cached("machtiging", lambda: machtiging_pdf(P["yonas"], "VluchtelingenWerk Oost Nederland", "Arnhem",
                                                      "14-04-2025"))


PDF, DOCX, XLSX = ("application/pdf",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --------------------------------------------------------------------------
# The samples. `fire` maps each rule that must fire to its (highest) severity;
# `may` lists rules that may also fire; `must_not` rules that must not.
# --------------------------------------------------------------------------


@dataclass
class Sample:
    file: str
    scenario: str
    case: str
    fire: dict[str, str]
    verdict: str
    may: tuple[str, ...]
    must_not: tuple[str, ...]
    notes: str
    features: tuple[str, ...]
    mbox: bool
    build: Callable[[], bytes]


SAMPLES: list[Sample] = []


def sample(file: str, scenario: str, case: str, fire: dict[str, str], verdict: str, *,
           may: tuple[str, ...] = (), must_not: tuple[str, ...] = (), notes: str = "",
           features: tuple[str, ...] = (), mbox: bool = False) -> Callable[[Callable[[], bytes]], Callable[[], bytes]]:
    def register(build: Callable[[], bytes]) -> Callable[[], bytes]:
        SAMPLES.append(Sample(file, scenario, case, fire, verdict, may, must_not, notes, features, mbox, build))
        return build
    return register


# ---- must pass -------------------------------------------------------------


@sample("01_pass_ind_to_dtv_vnummer.eml",
        "IND answers DT&V's question with a minimal status (procedure finished, vertrektermijn) for one person "
        "inside the kleine keten", "H must-pass 4",
        {}, "pass",
        must_not=("NO_LEGAL_BASIS", "USE_CHAIN_SYSTEM", "INSECURE_TRANSPORT", "ASYLUM_MOTIVE_IN_CHAIN",
                  "PURPOSE_NOT_STATED"),
        features=("reply (In-Reply-To)", "text/plain utf-8 quoted-printable", "quoted request"), mbox=True)
def s01() -> bytes:
    sender, person = S["ind_bmw_zwolle"], P["alhassan"]
    asker = S["dtv_vermeulen"]
    asked = at(5, 8, 47)
    request = (f"Beste collega,\n\nKunnen jullie mij laten weten hoe het staat met de procedure van "
               f"dhr. {person.name}, V-nr {person.vnr}? Wij plannen een vertrekgesprek.\n\n"
               f"Groet,\nRuud Vermeulen")
    text = (f"Beste Ruud,\n\nNaar aanleiding van je vraag: de asielprocedure van dhr. {person.name} "
            f"(V-nr {person.vnr}) is afgerond. Het beroep is op 24 april 2025 ongegrond verklaard; er loopt geen "
            f"voorlopige voorziening meer. De vertrektermijn is op 1 mei 2025 verstreken.")
    body = plain(sender, text) + quoted_outlook(me(asker), ("IND Zwolle", sender.address), asked,
                                                "Stand procedure Al-Hassan", request)
    return message(sender, [me(asker)], "RE: Stand procedure Al-Hassan", at(5, 10, 12), text_part(body), "s01",
                   in_reply_to=message_id(asked, asker.address, "s01-q"))


@sample("02_pass_general_info_to_gemeente.eml",
        "IND answers a municipality's general question on vertrektermijn and opvang: no person, no number",
        "C01", {}, "pass", must_not=("NO_LEGAL_BASIS", "PURPOSE_NOT_STATED"),
        features=("text/plain utf-8 base64",), mbox=True)
def s02() -> bytes:
    sender = S["ind_klantcontact"]
    text = ("Beste collega,\n\nU vroeg hoe lang een afgewezen asielzoeker in de opvang mag blijven. In het "
            "algemeen geldt het volgende.\n\n"
            "- Na een afwijzing heeft een vreemdeling meestal een vertrektermijn van vier weken. In die periode "
            "blijft de opvang doorlopen.\n"
            "- Wordt beroep ingesteld met schorsende werking, dan mag de uitspraak in Nederland worden afgewacht en "
            "loopt de opvang door.\n"
            "- Heeft het beroep geen schorsende werking, dan kan de rechter gevraagd worden een voorlopige "
            "voorziening te treffen. Tot die beslissing blijft de opvang in de regel ook doorlopen.\n"
            "- Na afloop van de vertrektermijn eindigt het recht op opvang; de DT&V kan helpen bij vertrek.\n\n"
            "Meer informatie vindt u op https://ind.nl/nl/asiel/na-een-afwijzing. Voor vragen over een "
            "specifieke persoon kunt u contact opnemen met de DT&V of het COA.")
    return simple_text_mail(sender, [("Burgerzaken Utrecht", "burgerzaken@utrecht.nl")],
                            "Vraag over opvang na afwijzing asielaanvraag", at(6, 14, 5), text, "s02", cte="base64")


@sample("03_pass_kamerbrief_to_vluchtelingenwerk.eml",
        "COA sends an NGO the public answers to Kamervragen on privacy (general text; office holders named)",
        "C02", {}, "pass",
        must_not=("CONSENT_REQUIRED", "SPECIAL_OUTSIDE_CHAIN", "INSECURE_TRANSPORT", "PURPOSE_NOT_STATED",
                  "NO_LEGAL_BASIS"),
        notes="The greeting names the recipient (To display name), who is not a data subject.",
        features=("PDF attachment (2 pages, general text)",))
def s03() -> bytes:
    sender = S["coa_regio_zuid"]
    text = ("Beste Marloes,\n\nTer voorbereiding op ons overleg van donderdag: bijgaand de antwoorden op de "
            "Kamervragen over privacy van asielzoekers in de opvang. Vooral het antwoord op vraag 2 over "
            "asielmotieven is relevant voor de afspraken over het spreekuur.")
    return simple_text_mail(sender, [("Marloes Jacobs", "regio.limburg@vluchtelingenwerk.nl")],
                            "Antwoorden Kamervragen privacy", at(7, 9, 20), text, "s03",
                            attachments=[attachment(cached("kamerbrief", kamerbrief_pdf), PDF,
                                                    "Antwoorden Kamervragen 2025Z11873.pdf")])


@sample("04_pass_lawyer_client_status.eml",
        "DT&V answers a lawyer's request about the client's ordinary data (next vertrekgesprek)",
        "C03", {"LAWYER_UNVERIFIED": "info"}, "pass",
        must_not=("CONSENT_REQUIRED", "NO_LEGAL_BASIS", "INSECURE_TRANSPORT", "PURPOSE_NOT_STATED"),
        features=("text/plain iso-8859-1 quoted-printable", "RFC 2047 iso-8859-1 subject", "reply"), mbox=True)
def s04() -> bytes:
    sender, person = S["dtv_vermeulen"], P["tesfay"]
    asked = at(7, 16, 2)
    lawyer = ("mr. J. Bakker", "mr.bakker@bakker-advocaten.nl")
    request = (f"Geachte heer Vermeulen,\n\nNamens mijn cliënt, de heer {person.name}, verzoek ik u mij te "
               f"informeren over de stand van zaken van het vertrektraject.\n\nMet vriendelijke groet,\n"
               f"mr. J. Bakker\nadvocaat\nBakker Advocaten, Arnhem")
    text = (f"Geachte heer Bakker,\n\nNaar aanleiding van uw verzoek: uw cliënt, de heer {person.name} "
            f"(V-nr {person.vnr}), heeft op 2 mei een vertrekgesprek gehad. Het volgende gesprek staat gepland op "
            f"16 mei om 10.00 uur op ons kantoor in Arnhem.")
    body = plain(sender, text) + quoted_outlook(lawyer, me(sender), asked, "Vertrektraject cliënt", request)
    return message(sender, [lawyer], "Antw: Vertrektraject cliënt Gebremariam", at(8, 9, 41),
                   text_part(body, charset="iso-8859-1"), "s04", charset="iso-8859-1",
                   in_reply_to=external_id(asked, "bakker-advocaten.nl", "s04"))


@sample("05_pass_nidos_pupil_transfer.eml",
        "COA tells Nidos, the guardian, about its ward's transfer (amv, date of birth)",
        "C04", {}, "pass",
        must_not=("CONSENT_REQUIRED", "INSECURE_TRANSPORT", "PURPOSE_NOT_STATED", "NO_LEGAL_BASIS"),
        features=("text/plain windows-1252 quoted-printable (curly quote, euro sign)",
                  "RFC 2047 windows-1252 subject"))
def s05() -> bytes:
    sender, person = S["coa_smit"], P["samir"]
    text = (f"Beste voogd,\n\nUw pupil {person.name} (amv, V-nr {person.vnr}, geb. {person.dob}) wordt op 12 mei "
            f"overgeplaatst van azc Zutphen naar de kleinschalige woonvoorziening in Zwolle. U bent welkom bij de "
            f"intake op 12 mei om 14.00 uur. Hij neemt zijn fiets mee; de reiskosten (€ 12,40) worden vergoed. "
            f"’s Ochtends helpen wij hem met inpakken.")
    return simple_text_mail(sender, [("Nidos regio Oost", "voogd.oost@nidos.nl")],
                            "Overplaatsing pupil – intake 12 mei", at(8, 11, 3), text, "s05",
                            charset="windows-1252")


@sample("06_pass_lko_terugkoppeling.eml",
        "COA gives the LKO members (IND, DT&V, AVIM) feedback on an agreed case, all in To",
        "C05", {}, "pass",
        must_not=("CC_OVERREACH", "CASE_NOT_ANONYMISED", "BULK_PERSONAL_DATA", "SPECIAL_OUTSIDE_CHAIN",
                  "INSECURE_TRANSPORT"),
        features=("multipart/alternative text + html",), mbox=True)
def s06() -> bytes:
    sender, person = S["coa_tl_budel"], P["karim"]
    text = (f"Beste LKO-leden,\n\nTerugkoppeling van het LKO van 7 mei:\n\nVoor dhr. {person.name} "
            f"(V-nr {person.vnr}) is afgesproken dat de DT&V op 20 mei een vertrekgesprek voert. Het COA meldt "
            f"het niet nakomen van de meldplicht aan de AVIM.\n\nDe volgende bijeenkomst is op 4 juni.")
    paragraphs = "".join(f"<p>{_html_escape(p)}</p>" for p in text.split("\n\n"))
    html = (f"<html><body style=\"font-family:Calibri\">{paragraphs}<p>{sender.signature_html()}</p>"
            "</body></html>")
    root = multipart("alternative", [text_part(plain(sender, text)), text_part(html, "html")])
    to = [("Jan Dekker", "j.dekker@ind.nl"), ("Mustafa Haddou", "m.haddou@dtv.minvenj.nl"),
          ("AVIM Zuid", "avim.zuid@politie.nl")]
    return message(sender, to, "Terugkoppeling LKO 7 mei", at(12, 15, 30), root, "s06")


@sample("07_pass_beschikking_excerpt_to_coa.eml",
        "IND sends COA only page 1 and the last two pages (rechtsgevolgen, rechtsmiddelen) of a 12-page beschikking",
        "C06", {"USE_CHAIN_SYSTEM": "info"}, "pass",
        must_not=("FULL_BESCHIKKING", "SOURCE_NOT_OWNER", "ASYLUM_MOTIVE_IN_CHAIN", "SPECIAL_OUTSIDE_CHAIN"),
        notes="Attachment pages carry footers 'Pagina 1 van 12', 'Pagina 11 van 12', 'Pagina 12 van 12'.",
        features=("PDF excerpt, 3 pages of 12",))
def s07() -> bytes:
    sender, person = S["ind_ter_apel"], P["hanna"]
    text = (f"Beste collega,\n\nMevrouw {person.name} (V-nr {person.vnr}): de aanvraag is afgewezen. Bijgaand "
            f"pagina 1 en de laatste twee pagina's van de beschikking (rechtsgevolgen en rechtsmiddelen).")
    return simple_text_mail(sender, [("COA Ter Apel opvang", "opvang.ter.apel@coa.nl")],
                            f"Beschikking {person.last} (uittreksel)", at(5, 13, 40), text, "s07",
                            attachments=[attachment(alemu_excerpt_pdf(), PDF, "beschikking_uittreksel.pdf")])


@sample("08_pass_full_beschikking_motivering_to_coa.eml",
        "IND sends COA the full 12-page beschikking with a 'Motivering:' line (medical circumstances for the opvang)",
        "C07", {"FULL_BESCHIKKING": "info", "USE_CHAIN_SYSTEM": "info"}, "pass",
        must_not=("SPECIAL_OUTSIDE_CHAIN", "ASYLUM_MOTIVE_IN_CHAIN"),
        notes="Result must carry the motivation.",
        features=("'Motivering:' body line", "12-page PDF"))
def s08() -> bytes:
    sender, person = S["ind_bmw_zwolle"], P["karimi"]
    text = (f"Beste collega's,\n\nBijgaand de volledige beschikking van dhr. {person.name} (V-nr {person.vnr}).\n\n"
            f"Motivering: in de beschikking (p. 8) staan medische omstandigheden (PTSS, medicatie) waar de "
            f"opvanglocatie rekening mee moet houden tot het vertrek.")
    return simple_text_mail(sender, [("COA Zwolle opvang", "opvang.zwolle@coa.nl")],
                            f"Beschikking {person.last} – medische omstandigheden", at(9, 10, 15), text, "s08",
                            attachments=[attachment(karimi_pdf(), PDF, f"beschikking_{person.last}.pdf")])


@sample("09_pass_ngo_with_machtiging.eml",
        "DT&V answers VluchtelingenWerk with a minimal status; a machtiging with date, name and signature is attached",
        "C09", {}, "pass",
        must_not=("CONSENT_REQUIRED", "INSECURE_TRANSPORT", "PURPOSE_NOT_STATED", "VERTREKSTRATEGIE_TO_NGO"),
        features=("PDF machtiging with a signature image", "reply"))
def s09() -> bytes:
    sender, person = S["dtv_vermeulen"], P["yonas"]
    asked = at(9, 11, 20)
    text = (f"Beste mevrouw Peeters,\n\nNaar aanleiding van uw verzoek en de bijgevoegde machtiging: de procedure "
            f"van dhr. {person.name} (V-nr {person.vnr}) is afgerond; de vertrektermijn is op 28 april 2025 "
            f"verstreken.")
    return simple_text_mail(sender, [("Ilse Peeters", "spreekuur.arnhem@vluchtelingenwerk.nl")],
                            f"RE: Verzoek informatie {person.last}", at(9, 15, 2), text, "s09",
                            in_reply_to=external_id(asked, "vluchtelingenwerk.nl", "s09"),
                            attachments=[attachment(machtiging_tekle_pdf(), PDF, f"machtiging_{person.last}.pdf")])


@sample("10_pass_gemeente_openbare_orde.eml",
        "COA answers a municipality's public-order question (reply, purpose stated)",
        "C11", {}, "pass", must_not=("PURPOSE_NOT_STATED", "NO_LEGAL_BASIS", "SPECIAL_OUTSIDE_CHAIN"),
        features=("reply with '>' quoted request",), mbox=True)
def s10() -> bytes:
    sender, person = S["coa_venlo"], P["idris"]
    asked = at(12, 9, 5)
    text = (f"Beste heer Janssen,\n\nTen behoeve van de handhaving van de openbare orde vroeg u of dhr. "
            f"{person.name} (V-nr {person.vnr}) nog op de locatie verblijft: hij is per 3 maart met onbekende "
            f"bestemming vertrokken.")
    quoted = ("\n\nOp 12-05-2025 09:05 schreef Openbare Orde en Veiligheid Venlo <oov@venlo.nl>:\n"
              f"> Goedemorgen,\n> In verband met een melding in de wijk willen wij weten of de heer {person.name}\n"
              "> nog bij u op de locatie verblijft.\n> Met vriendelijke groet,\n> R. Janssen, team OOV")
    body = text_part(plain(sender, text) + quoted)
    return message(sender, [("Openbare Orde en Veiligheid Venlo", "oov@venlo.nl")], "Re: Verblijf bewoner",
                   at(12, 11, 48), body, "s10", in_reply_to=external_id(asked, "venlo.nl", "s10"))


@sample("11_pass_statushouder_bsn_iban_to_gemeente.eml",
        "COA gives a municipality, as agreed, the BSN, IBAN and new address of one statushouder for the "
        "bijstand application", "must-pass (ordinary data of one person, purpose stated)", {}, "pass",
        must_not=("INSECURE_TRANSPORT", "PURPOSE_NOT_STATED", "NO_LEGAL_BASIS", "BULK_PERSONAL_DATA"),
        notes="BSN passes the 11-proef; IBAN has a valid mod-97 check.",
        features=("text/plain windows-1252 8bit",))
def s11() -> bytes:
    sender, person = S["coa_zwolle"], P["darwish"]
    new_address = "Esdoornlaan 41, 8014 RJ Zwolle"
    text = (f"Beste collega,\n\nZoals afgesproken, ten behoeve van de aanvraag levensonderhoud: mevrouw "
            f"{person.name} (V-nr {person.vnr}, BSN {DARWISH_BSN}, geb. {person.dob}) verhuist op 1 juni naar "
            f"{new_address}. Haar rekeningnummer voor de voorschotbetaling is {iban_spaced(DARWISH_IBAN)}. "
            f"Zij heeft het intakeformulier al ingevuld; de kopie van haar verblijfsdocument brengt zij zelf "
            f"mee naar het gesprek op 3 juni.")
    return simple_text_mail(sender, [("Werk en Inkomen Zwolle", "werkeninkomen@zwolle.nl")],
                            "Gegevens statushouder voor aanvraag levensonderhoud", at(13, 10, 30), text, "s11",
                            charset="windows-1252", cte="8bit")


@sample("12_pass_signature_only.eml",
        "IND sends a municipality a meeting planning: the only contact details are the sender's own signature",
        "C32", {}, "pass", must_not=("NO_LEGAL_BASIS", "PURPOSE_NOT_STATED", "PHOTO_ATTACHMENT"),
        notes="No findings at all: signature name, phone, mobile and e-mail are the sender's (CONTRACT §3); the "
              "inline logo is a signature image.",
        features=("multipart/related html + inline cid logo inside multipart/alternative", "PDF without persons"),
        mbox=True)
def s12() -> bytes:
    sender = S["ind_planning"]
    text = "Beste collega's,\n\nZie bijgaand de planning voor het regio-overleg."
    html = ("<html><body style=\"font-family:Calibri\"><p>Beste collega's,</p><p>Zie bijgaand de planning voor het "
            "regio-overleg.</p><p>" + sender.signature_html() +
            "<br><img src=\"cid:logo-ind@regio\" alt=\"IND\" width=\"160\" height=\"48\"></p></body></html>")
    builder = PdfBuilder("Planning regio-overleg", "IND", "Planning")
    builder.add_page([("sp", -30), ("h", "Planning regio-overleg Midden, tweede helft 2025"),
                      ("kv", [("3 juli", "Ketenproces instroom en capaciteit"),
                              ("4 september", "Evaluatie handreiking informatie-uitwisseling"),
                              ("6 november", "Jaarplanning 2026"), ("Locatie", "IND Zwolle, zaal 2.14")])])
    related = multipart("related", [text_part(html, "html"), attachment(logo_png("IND"), "image/png", "logo.png",
                                                                        inline_cid="logo-ind@regio")],
                        ' type="text/html";')
    alternative = multipart("alternative", [text_part(plain(sender, text)), related])
    root = multipart("mixed", [alternative, attachment(builder.build(), PDF, "planning_regio-overleg_2025.pdf")])
    return message(sender, [("Planning Utrecht", "planning@utrecht.nl")], "Planning regio-overleg 2e helft 2025",
                   at(14, 8, 55), root, "s12")


MORADI_TEXT = ("dhr. {name} (V-nr {vnr}): hij stelt zich in Nederland te hebben bekeerd tot het christendom; de IND "
               "heeft de bekering niet geloofwaardig geacht.")


@sample("13_pass_asylum_motive_ind_to_dtv.eml",
        "IND tells DT&V, for the vertrekstrategie, that a person's conversion was found not credible",
        "C10", {"ASYLUM_MOTIVE_IN_CHAIN": "info"}, "pass",
        must_not=("SPECIAL_OUTSIDE_CHAIN", "VERTREKSTRATEGIE_TO_NGO"), mbox=True)
def s13() -> bytes:
    sender, person = S["ind_ter_apel"], P["moradi"]
    text = ("Beste Anouk,\n\nVoor de vertrekstrategie van " + MORADI_TEXT.format(name=person.name, vnr=person.vnr)
            + " Houd er rekening mee bij de presentatie op de ambassade.")
    return simple_text_mail(sender, [me(S["dtv_noord"])], f"Vertrekstrategie {person.last}", at(13, 14, 22), text,
                            "s13")


@sample("14_pass_forwarded_ind_mail_to_gemeente.eml",
        "COA forwards an IND status mail inline ('---------- Doorgestuurd bericht ----------') to the municipality, "
        "with a public-order purpose", "SOURCE_NOT_OWNER (forwarded text)",
        {"SOURCE_NOT_OWNER": "info"}, "pass",
        must_not=("FULL_BESCHIKKING", "INTERNAL_CORRESPONDENCE", "PURPOSE_NOT_STATED", "NO_LEGAL_BASIS"),
        notes="SOURCE_NOT_OWNER is info because it is forwarded mail text, not an attached document.",
        features=("inline forward", "Gmail-style forward header"))
def s14() -> bytes:
    sender, person = S["coa_ter_apel"], P["alhassan"]
    ind = S["ind_ter_apel"]
    text = (f"Beste mevrouw Wolters,\n\nNaar aanleiding van uw vraag van gisteren, ten behoeve van de openbare orde: "
            f"hieronder het bericht van de IND over dhr. {person.name}.")
    forwarded = ("\n\n---------- Doorgestuurd bericht ----------\n"
                 f"Van: {ind.name} <{ind.address}>\nDatum: wo 7 mei 2025 om 16:12\n"
                 f"Onderwerp: Stand procedure {person.last}\nAan: COA Ter Apel <{sender.address}>\n\n"
                 f"Beste collega,\n\nDe asielprocedure van dhr. {person.name} (V-nr {person.vnr}) is afgerond; het "
                 f"beroep is op 24 april 2025 ongegrond verklaard. Zijn vertrektermijn verstrijkt op 22 mei 2025.\n\n"
                 + ind.signature())
    return message(sender, [("Gemeente Westerwolde OOV", "oov@westerwolde.nl")],
                   f"Fwd: Stand procedure {person.last}", at(8, 9, 10), text_part(plain(sender, text) + forwarded),
                   "s14", mailer="Mozilla Thunderbird")


@sample("15_pass_no_purpose_subjective_remark.eml",
        "COA tells a municipality, unasked and without a purpose, that a resident left, and calls him a 'querulant'",
        "C11 variants", {"PURPOSE_NOT_STATED": "info", "SUBJECTIVE_REMARK": "info"}, "pass",
        must_not=("NO_LEGAL_BASIS", "SPECIAL_OUTSIDE_CHAIN", "INSECURE_TRANSPORT"))
def s15() -> bytes:
    sender, person = S["coa_venlo"], P["elamrani"]
    text = (f"Beste heer Janssen,\n\nDhr. {person.name} (V-nr {person.vnr}) verblijft sinds 1 mei niet meer op de "
            f"locatie Venlo. Hij is overigens een echte querulant.")
    return simple_text_mail(sender, [("R. Janssen", "oov@venlo.nl")], "Bewoner niet meer op locatie",
                            at(14, 16, 40), text, "s15")


# ---- warn and block --------------------------------------------------------


@sample("16_full_beschikking_to_coa.eml",
        "IND sends COA the full 12-page beschikking (asielrelaas on pages 2-10) without a motivation",
        "C19", {"FULL_BESCHIKKING": "warn", "USE_CHAIN_SYSTEM": "info"}, "warn",
        must_not=("ASYLUM_MOTIVE_IN_CHAIN", "SPECIAL_OUTSIDE_CHAIN", "SOURCE_NOT_OWNER"),
        notes="Suggestion keep_pages [1, 11, 12] ('Rechtsgevolgen' starts on page 11, 'Rechtsmiddelen' on 12).",
        features=("12-page PDF: header 'NAAM: KARIMI, Ahmad' on pages 2-12, 'Pagina x van 12' footers",), mbox=True)
def s16() -> bytes:
    sender, person = S["ind_bmw_zwolle"], P["karimi"]
    text = f"Beste collega's,\n\nBijgaand de beschikking van dhr. {person.name} (V-nr {person.vnr})."
    return simple_text_mail(sender, [("COA Zwolle opvang", "opvang.zwolle@coa.nl")], f"Beschikking {person.last}",
                            at(8, 16, 5), text, "s16",
                            attachments=[attachment(karimi_pdf(), PDF, "beschikking.pdf")])


@sample("17_dtv_forwards_ind_excerpt_to_coa.eml",
        "DT&V passes an IND beschikking (excerpt) on to COA at COA's request instead of COA asking the IND",
        "C20", {"SOURCE_NOT_OWNER": "warn"}, "warn",
        must_not=("FULL_BESCHIKKING", "USE_CHAIN_SYSTEM", "ASYLUM_MOTIVE_IN_CHAIN"),
        notes="USE_CHAIN_SYSTEM is suppressed because SOURCE_NOT_OWNER covers the attachment (rules.md §3).",
        features=("reply quoting COA's request", "PDF excerpt pages 1, 11, 12 of 12"))
def s17() -> bytes:
    sender, person = S["dtv_noord"], P["hanna"]
    coa = S["coa_ter_apel"]
    asked = at(6, 8, 30)
    request = (f"Beste Anouk,\n\nHebben jullie de beschikking van mevrouw {person.name} voor ons? Wij hebben die "
               f"nodig voor de planning van de uitstroom.\n\nGroet,\nSandra Post")
    text = f"Beste Sandra,\n\nZoals gevraagd de beschikking van mevrouw {person.name}."
    body = plain(sender, text) + quoted_outlook(me(coa), me(sender), asked, f"Beschikking {person.last}", request)
    root = multipart("mixed", [text_part(body), attachment(alemu_excerpt_pdf(), PDF, f"beschikking_{person.last}.pdf")])
    return message(sender, [me(coa)], f"RE: Beschikking {person.last}", at(6, 11, 15), root, "s17",
                   in_reply_to=message_id(asked, coa.address, "s17-q"))


@sample("18_dtv_full_beschikking_to_gemeente.eml",
        "DT&V sends a municipality the full IND beschikking whose middle pages hold the asylum account "
        "(conversion, sexual orientation, detention, torture, PTSS)",
        "C21", {"SOURCE_NOT_OWNER": "warn", "FULL_BESCHIKKING": "warn", "SPECIAL_OUTSIDE_CHAIN": "block",
                "INSECURE_TRANSPORT": "warn"}, "block",
        may=("PURPOSE_NOT_STATED",), must_not=("NO_LEGAL_BASIS", "USE_CHAIN_SYSTEM"),
        notes="SPECIAL_OUTSIDE_CHAIN: religion, sexual_orientation, health and ASYLUM_MOTIVE on pages 3-9; "
              "keep_pages [1, 11, 12].")
def s18() -> bytes:
    sender, person = S["dtv_vermeulen"], P["karimi"]
    text = f"Beste collega,\n\nTer informatie de beschikking van dhr. {person.name}."
    return simple_text_mail(sender, [("Sociale Dienst Eindhoven", "sociale.dienst@gemeente-eindhoven.nl")],
                            f"Beschikking {person.last}", at(12, 13, 12), text, "s18",
                            attachments=[attachment(karimi_pdf(), PDF, f"Besluit IND {person.last}.pdf")])


@sample("19_wetransfer_link_html_only.eml",
        "COA security sends the police a WeTransfer link (in an <a href>, link text without the host) to camera "
        "images about a resident", "C12", {"BANNED_CHANNEL": "block"}, "block",
        must_not=("INSECURE_TRANSPORT", "NO_LEGAL_BASIS", "PHOTO_ATTACHMENT"),
        notes="HTML-only (no text/plain part); the inline cid logo in the signature is not a photo attachment.",
        features=("HTML only, multipart/related with inline cid logo", "href to we.tl short link"), mbox=True)
def s19() -> bytes:
    sender, person = S["coa_beveiliging"], P["dawit"]
    html = ("<html><head><meta charset=\"utf-8\"></head><body style=\"font-family:Calibri,sans-serif\">"
            "<p>Beste Jeroen,</p>"
            f"<p>De camerabeelden en het verslag over bewoner {person.name} staan klaar: "
            "<a href=\"https://we.tl/t-Ab12Cd34Ef\">download de bestanden hier</a>. De link is zeven dagen geldig.</p>"
            f"<p>{sender.signature_html()}<br><img src=\"cid:coa-logo@budel\" alt=\"COA\" width=\"160\" "
            "height=\"48\"></p></body></html>")
    root = multipart("related", [text_part(html, "html"),
                                 attachment(logo_png("COA"), "image/png", "image001.png", inline_cid="coa-logo@budel")],
                     ' type="text/html";')
    return message(sender, [("Jeroen Vos", "wijkagent.cranendonck@politie.nl")], "Beelden incident 10 mei",
                   at(11, 9, 2), root, "s19")


@sample("20_zoom_link_to_gemeente.eml",
        "DT&V proposes a Zoom call to a municipality about a person's return, purpose stated",
        "C13", {"BANNED_CHANNEL": "warn"}, "warn", must_not=("PURPOSE_NOT_STATED", "INSECURE_TRANSPORT"))
def s20() -> bytes:
    sender, person = S["dtv_haddou"], P["beridze"]
    text = (f"Beste Petra,\n\nIn het kader van de terugkeer van dhr. {person.name} (V-nr {person.vnr}): zullen we "
            f"dinsdag even zoomen? https://us02web.zoom.us/j/81234567890")
    return simple_text_mail(sender, [("Petra van Dongen", "terugkeer@gemeente-eindhoven.nl")],
                            f"Afstemming terugkeer {person.last}", at(13, 11, 36), text, "s20")


@sample("21_ngo_without_machtiging.eml",
        "IND answers VluchtelingenWerk about a person's procedure without any machtiging",
        "C14", {"CONSENT_REQUIRED": "block"}, "block", must_not=("PURPOSE_NOT_STATED", "INSECURE_TRANSPORT"),
        features=("reply quoting the NGO's request",), mbox=True)
def s21() -> bytes:
    sender, person = S["ind_den_bosch"], P["hanna"]
    asked = at(9, 10, 0)
    ngo = ("Juridisch team VluchtelingenWerk", "juridisch@vluchtelingenwerk.nl")
    request = (f"Goedemorgen,\n\nMevrouw {person.name} komt op ons spreekuur. Kunt u ons vertellen wat de stand "
               f"van haar asielprocedure is?\n\nMet vriendelijke groet,\nJuridisch team VluchtelingenWerk")
    text = (f"Geachte heer, mevrouw,\n\nOp uw verzoek: de asielaanvraag van mevrouw {person.name} "
            f"(V-nr {person.vnr}) is afgewezen; er loopt een beroep.")
    body = plain(sender, text) + quoted_outlook(ngo, me(sender), asked, "Stand procedure", request)
    return message(sender, [ngo], "RE: Stand procedure", at(9, 14, 44), text_part(body), "s21",
                   in_reply_to=external_id(asked, "vluchtelingenwerk.nl", "s21"))


@sample("22_vertrekstrategie_to_vluchtelingenwerk.eml",
        "DT&V sends VluchtelingenWerk, with a valid machtiging, also the vertrekstrategie (presentation, LP, "
        "maatregel)", "C15", {"VERTREKSTRATEGIE_TO_NGO": "block"}, "block",
        must_not=("CONSENT_REQUIRED", "INSECURE_TRANSPORT"),
        features=("DOCX vertrekstrategie with tables", "PDF machtiging", "reply"))
def s22() -> bytes:
    sender, person = S["dtv_vermeulen"], P["yonas"]
    asked = at(14, 9, 12)
    text = (f"Beste mevrouw Peeters,\n\nNaar aanleiding van uw verzoek en de bijgevoegde machtiging stuur ik u de "
            f"stand van zaken van dhr. {person.name} (V-nr {person.vnr}) en de vertrekstrategie, zodat u hem kunt "
            f"voorbereiden op de presentatie.")
    return simple_text_mail(sender, [("Ilse Peeters", "spreekuur.arnhem@vluchtelingenwerk.nl")],
                            f"RE: Begeleiding {person.last}", at(14, 15, 31), text, "s22",
                            in_reply_to=external_id(asked, "vluchtelingenwerk.nl", "s22"),
                            attachments=[attachment(machtiging_tekle_pdf(), PDF, f"machtiging_{person.last}.pdf"),
                                         attachment(cached("vertrek", vertrekstrategie_docx), DOCX,
                                                    f"vertrekstrategie_{person.last}.docx")])


@sample("23_psychiatric_admission_to_gemeente_smime_signed.eml",
        "COA tells the municipality's Wmo desk about a resident's psychiatric admission; the mail is S/MIME "
        "signed, not encrypted", "C16",
        {"SPECIAL_OUTSIDE_CHAIN": "block", "INSECURE_TRANSPORT": "warn"}, "block",
        may=("PURPOSE_NOT_STATED",), must_not=("UNSCANNABLE_ATTACHMENT", "NO_LEGAL_BASIS"),
        notes="multipart/signed (application/pkcs7-signature) is not encryption; smime.p7s is a signature, "
              "not an attachment to check.",
        features=("multipart/signed protocol=application/pkcs7-signature", "smime.p7s"))
def s23() -> bytes:
    sender, person = S["coa_delfzijl"], P["amina"]
    text = (f"Beste collega,\n\nMevrouw {person.name} (V-nr {person.vnr}) is sinds gisteren opgenomen in een "
            f"psychiatrische kliniek vanwege een psychose. Haar kinderen (3 en 5) verblijven bij een buurvrouw.")
    content = text_part(plain(sender, text))
    signature = Mime([("Content-Type", 'application/pkcs7-signature; name="smime.p7s"'),
                      ("Content-Transfer-Encoding", "base64"),
                      ("Content-Disposition", 'attachment; filename="smime.p7s"'),
                      ("Content-Description", "S/MIME Cryptographic Signature")],
                     encode_body(smime_signature_blob("s23"), "base64"))
    root = multipart("signed", [content, signature], ' protocol="application/pkcs7-signature"; micalg=sha-256;')
    return message(sender, [("Wmo-loket Eemsdelta", "wmo@eemsdelta.nl")], "Bewoonster opgenomen", at(15, 8, 20),
                   root, "s23")


@sample("24_criminal_data_politie_cc_gemeente.eml",
        "COA reports an arrest to the police (To) with the municipality in Cc",
        "C18", {"SPECIAL_OUTSIDE_CHAIN": "block", "CC_OVERREACH": "warn", "INSECURE_TRANSPORT": "warn"}, "block",
        may=("PURPOSE_NOT_STATED",), must_not=("NO_LEGAL_BASIS",),
        notes="SPECIAL_OUTSIDE_CHAIN (criminal data): warn for avim.zuid@politie.nl, block for oov@cranendonck.nl; "
              "CC_OVERREACH and INSECURE_TRANSPORT for the gemeente only.", mbox=True)
def s24() -> bytes:
    sender, person = S["coa_beveiliging"], P["dawit"]
    text = (f"Beste collega's,\n\nTer informatie voor het TOP-X-overleg: bewoner {person.name} (V-nr {person.vnr}) is "
            f"gisteren aangehouden wegens winkeldiefstal en mishandeling van een medebewoner.")
    return simple_text_mail(sender, [("AVIM Zuid", "avim.zuid@politie.nl")], f"Aanhouding bewoner {person.last}",
                            at(15, 12, 3), text, "s24", cc=[("OOV Cranendonck", "oov@cranendonck.nl")])


@sample("25_cc_overreach_many_organisations.eml",
        "IND tells COA about a granted permit and copies DT&V, the police, the municipality, a COA team list and an "
        "IND colleague", "H need-to-know (cc)", {"CC_OVERREACH": "warn"}, "warn",
        must_not=("NO_LEGAL_BASIS", "INSECURE_TRANSPORT", "PURPOSE_NOT_STATED", "SPECIAL_OUTSIDE_CHAIN"),
        notes="Cc: 5 addresses (> 3), organisations not among the To organisation (DT&V, politie, gemeente) and a "
              "distribution list (team-opvang-zwolle@coa.nl).",
        features=("6 recipients across 5 organisations", "folded To/Cc headers"))
def s25() -> bytes:
    sender, person = S["ind_bmw_zwolle"], P["haddad"]
    text = (f"Beste collega's,\n\nMevrouw {person.name} (V-nr {person.vnr}, geb. {person.dob}) heeft op 12 mei een "
            f"verblijfsvergunning asiel gekregen. In het kader van de huisvesting van statushouders kan zij "
            f"uitstromen naar de gemeente Zwolle.")
    cc = [("DT&V Regio Oost", "regie.oost@dtv.minvenj.nl"), ("AVIM IJsselland", "avim.ijsselland@politie.nl"),
          ("Statushouders Zwolle", "statushouders@zwolle.nl"), ("Team opvang Zwolle", "team-opvang-zwolle@coa.nl"),
          ("Jeroen de Vries", "j.devries@ind.nl")]
    return simple_text_mail(sender, [("COA Zwolle opvang", "opvang.zwolle@coa.nl")],
                            f"Vergunning verleend {person.last}", at(13, 9, 14), text, "s25", cc=cc)


BEZETTING: list[tuple[Person, str, str, str]] = []


def bezetting_rows() -> list[tuple[Person, str, str, str]]:
    if not BEZETTING:
        nationalities = sorted(ORIGINS)
        for i in range(24):
            person = random_person(nationalities[i % len(nationalities)])
            number = bsn() if i % 4 == 0 else ""
            unit = f"{RNG.choice('ABCDEF')}{RNG.randint(1, 30):02d}"
            BEZETTING.append((person, number, address("Budel", "6021"), unit))
    return BEZETTING


@sample("26_bezettingslijst_xlsx_to_politie.eml",
        "COA sends the police (NVIK) the daily occupancy list: 24 residents with V-nummer, BSN, birth date, "
        "nationality and address", "C22", {"BULK_PERSONAL_DATA": "block", "USE_CHAIN_SYSTEM": "info"}, "block",
        must_not=("INSECURE_TRANSPORT", "NO_LEGAL_BASIS"),
        notes="BSNs pass the 11-proef. Second sheet 'Totalen' holds counts only.",
        features=("XLSX, 2 sheets",), mbox=True)
def s26() -> bytes:
    sender = S["coa_bedrijfsbureau"]
    text = "Beste collega's,\n\nBijgaand de bezettingslijst van vandaag."
    data = cached("bezetting", lambda: bezettingslijst_xlsx(bezetting_rows()))
    return simple_text_mail(sender, [("NVIK", "nvik@politie.nl")], "Bezettingslijst 12-05-2025", at(12, 7, 45),
                            text, "s26", attachments=[attachment(data, XLSX, "bezetting_2025-05-12.xlsx")])


@sample("27_afsprakenlijst_uuencoded_to_ind.eml",
        "COA sends IND planning a list of 12 residents with an IND appointment tomorrow (uuencoded CSV)",
        "C22 variant", {"BULK_PERSONAL_DATA": "warn", "USE_CHAIN_SYSTEM": "info"}, "warn",
        must_not=("INSECURE_TRANSPORT", "NO_LEGAL_BASIS"),
        features=("text/csv with Content-Transfer-Encoding: x-uuencode",))
def s27() -> bytes:
    sender = S["coa_zwolle"]
    rows = [(random_person(), f"{9 + i // 3:02d}:{(i % 3) * 20:02d}", RNG.choice(["identificatie", "documentencontrole",
                                                                                  "uitreiking verblijfsdocument"]))
            for i in range(12)]
    text = "Beste planning,\n\nBijgaand het lijstje van de 12 bewoners die morgen een afspraak bij de IND hebben."
    csv_part = Mime([("Content-Type", 'text/csv; charset="utf-8"; name="afspraken_ind_2025-05-14.csv"'),
                     ("Content-Disposition", 'attachment; filename="afspraken_ind_2025-05-14.csv"'),
                     ("Content-Transfer-Encoding", "x-uuencode")],
                    encode_body(afspraken_csv(rows), "x-uuencode", "afspraken_ind_2025-05-14.csv"))
    return simple_text_mail(sender, [("IND planning Zwolle", "planning.zwolle@ind.nl")], "Afspraken IND 14 mei",
                            at(13, 15, 50), text, "s27", attachments=[csv_part])


@sample("28_lso_verslag_to_nidos.eml",
        "COA sends Nidos, a guest at point 4, the whole LSO verslag with nine individual cases",
        "C23", {"BULK_PERSONAL_DATA": "block", "INSECURE_TRANSPORT": "warn"}, "block",
        may=("VERTREKSTRATEGIE_TO_NGO",), must_not=("CONSENT_REQUIRED", "NO_LEGAL_BASIS", "SOURCE_NOT_OWNER"),
        notes="BULK_PERSONAL_DATA in its LSO variant; suggestion: redact all points but 4. "
              "VERTREKSTRATEGIE_TO_NGO (warn, nidos) may fire on points 5 and 7 (Dublinoverdracht, LP-aanvraag, "
              "presentatie). The verslag is COA's own (COA letterhead in the header, COA secretariat), so not "
              "SOURCE_NOT_OWNER although IND and DT&V actions are minuted.",
        features=("DOCX with header/footer, tables, nine case headings",))
def s28() -> bytes:
    sender = S["coa_lso"]
    pupil = Person("Naweed", "Ahmadzai", v_nummer(), "03-11-2008", "Afghaanse", "m")
    agreements = [
        "Vertrektermijn verstreken. DT&V voert op 13 mei een vertrekgesprek; COA meldt afwezigheid aan DT&V.",
        "Beroep loopt. Geen acties; volgende bespreking na de uitspraak.",
        "Meldplicht opgelegd per 1 mei. AVIM meldt het niet nakomen aan DT&V.",
        "Amv, 16 jaar. Overplaatsing naar kleinschalige woonvoorziening per 1 juni; Nidos regelt de school.",
        "Dublinoverdracht gepland. DT&V informeert COA over de datum.",
        "Verblijfsvergunning verleend. Uitstroom naar gemeente Kampen, sleuteloverdracht 20 mei.",
        "LP-aanvraag loopt. Presentatie bij de vertegenwoordiging gepland; DT&V koppelt terug.",
        "Herhaalde aanvraag ingediend. IND beslist binnen de termijn; geen acties.",
        "Zelfstandig vertrek via IOM gewenst. DT&V legt contact met IOM.",
    ]
    people = [random_person() for _ in range(3)] + [pupil] + [random_person() for _ in range(5)]
    data = lso_verslag_docx(list(zip(people, agreements, strict=True)))
    text = "Beste voogd,\n\nBijgaand het verslag van het LSO, zie punt 4 over uw pupil."
    return simple_text_mail(sender, [("Nidos regio Oost", "voogd.oost@nidos.nl")], "Verslag LSO 6 mei",
                            at(7, 13, 5), text, "s28",
                            attachments=[attachment(data, DOCX, "Verslag LSO 2025-05-06.docx")])


@sample("29_interne_notitie_to_advocaat.eml",
        "IND attaches an internal note ('Interne notitie – niet voor externe verspreiding') to its answer to "
        "the lawyer", "C24", {"INTERNAL_CORRESPONDENCE": "block", "LAWYER_UNVERIFIED": "info"}, "block",
        must_not=("SPECIAL_OUTSIDE_CHAIN", "NO_LEGAL_BASIS"),
        notes="'aanhouden' of a decision is not CRIMINAL_DATA (lexicon §16). The DOCX carries category 'Intern', a "
              "custom property Classificatie=Intern and an MSIP-style label.",
        features=("DOCX with header 'INTERN', custom properties", "reply"))
def s29() -> bytes:
    sender, person = S["ind_den_bosch"], P["aydin"]
    asked = at(8, 16, 40)
    text = (f"Geachte heer Yilmaz,\n\nNaar aanleiding van uw vraag over de beslistermijn in de zaak van uw cliënt, "
            f"de heer {person.name} (V-nr {person.vnr}): de beslissing volgt binnen de wettelijke termijn. Ter "
            f"toelichting stuur ik de notitie mee.")
    return simple_text_mail(sender, [("mr. E. Yilmaz", "mr.yilmaz@yilmaz-advocaten.nl")],
                            f"RE: Beslistermijn {person.last}", at(9, 10, 52), text, "s29",
                            in_reply_to=external_id(asked, "yilmaz-advocaten.nl", "s29"),
                            attachments=[attachment(cached("notitie", interne_notitie_docx), DOCX,
                                                    "notitie_aanhouden.docx")])


@sample("30_gespreksverslag_third_parties_to_advocaat.eml",
        "DT&V sends the lawyer a gespreksverslag that also holds the brother's phone number in Asmara, the "
        "mother's name and a roommate's name", "C25", {"THIRD_PARTY_DATA": "warn", "LAWYER_UNVERIFIED": "info"},
        "warn", must_not=("SOURCE_NOT_OWNER", "BULK_PERSONAL_DATA", "INSECURE_TRANSPORT", "SPECIAL_OUTSIDE_CHAIN"),
        notes="Main data subject: Tesfay Gebremariam (header table). Third parties: Abel Gebremariam (broer, "
              "+291 7 123456), Saba Tesfamariam (moeder), Daniel Berhe (kamergenoot). The tolk is staff-like.",
        features=("DOCX with tables, header/footer with PAGE fields, a Word comment",))
def s30() -> bytes:
    sender, person = S["dtv_vermeulen"], P["tesfay"]
    asked = at(14, 11, 0)
    text = (f"Geachte heer Bakker,\n\nNaar aanleiding van uw verzoek stuur ik u het verslag van het vertrekgesprek "
            f"van 2 mei met uw cliënt, de heer {person.name} (V-nr {person.vnr}).")
    return simple_text_mail(sender, [("mr. J. Bakker", "mr.bakker@bakker-advocaten.nl")],
                            "RE: Verslag vertrekgesprek", at(15, 9, 30), text, "s30",
                            in_reply_to=external_id(asked, "bakker-advocaten.nl", "s30"),
                            attachments=[attachment(cached("verslag", gespreksverslag_docx), DOCX,
                                                    f"Gespreksverslag vertrekgesprek {person.last} 2025-05-02.docx")])


@sample("31_pasfoto_to_gemeente.eml",
        "COA sends a municipality a passport photo for the BRP registration (purpose stated)",
        "C26", {"PHOTO_ATTACHMENT": "warn"}, "warn", must_not=("SPECIAL_OUTSIDE_CHAIN", "PURPOSE_NOT_STATED"),
        features=("JPEG 350x450 (35:45) drawn placeholder face",), mbox=True)
def s31() -> bytes:
    sender, person = S["coa_venlo"], P["lina"]
    text = (f"Beste collega,\n\nTen behoeve van de inschrijving in de BRP: mevrouw {person.name}, V-nr {person.vnr}; "
            f"pasfoto bijgevoegd.")
    return simple_text_mail(sender, [("Burgerzaken Venlo", "burgerzaken@venlo.nl")], "Inschrijving BRP",
                            at(14, 10, 10), text, "s31",
                            attachments=[attachment(cached("pasfoto", pasfoto_jpeg), "image/jpeg",
                                                    f"pasfoto_{person.last}.jpg")])


@sample("32_no_legal_basis_veilig_thuis.eml",
        "DT&V writes to Veilig Thuis (not a DT&V partner) with an unknown childcare organisation in Cc",
        "C27", {"NO_LEGAL_BASIS": "block"}, "block",
        must_not=("INSECURE_TRANSPORT", "CC_OVERREACH", "PURPOSE_NOT_STATED", "PERSONAL_MAILBOX",
                  "SPECIAL_OUTSIDE_CHAIN"),
        notes="NO_LEGAL_BASIS for both recipients (Veilig Thuis: not ticked for DT&V, or unknown without a "
              "directory entry; kinderopvang-zonnestraal.nl: onbekend). 'Ahmadi' is the family's surname here, "
              "not the religion term (lexicon §0.8, names collide with terms).")
def s32() -> bytes:
    sender = S["dtv_haddou"]
    text = ("Geachte heer, mevrouw,\n\nWij maken ons zorgen over de kinderen van het gezin Ahmadi (V-nrs "
            f"{ahmadi_vnrs[0]} en {ahmadi_vnrs[1]}), dat volgende maand moet vertrekken.")
    return simple_text_mail(sender, [("Veilig Thuis Brabant Noord", "advies@veiligthuisbrabantnoord.nl")],
                            "Zorgen over kinderen gezin Ahmadi", at(15, 15, 5), text, "s32",
                            cc=[("Kinderopvang Zonnestraal", "info@kinderopvang-zonnestraal.nl")])


@sample("33_personal_mailbox_gmail.eml",
        "IND mails a decision outcome with the V-nummer to a private gmail.com address",
        "C28", {"PERSONAL_MAILBOX": "warn"}, "warn", must_not=("NO_LEGAL_BASIS", "SPECIAL_OUTSIDE_CHAIN"),
        mbox=True)
def s33() -> bytes:
    sender, person = S["ind_klantcontact"], P["haddad"]
    text = (f"Beste mevrouw {person.last},\n\nUw aanvraag (V-nr {person.vnr}) is ingewilligd. U ontvangt de "
            f"beschikking per post.")
    return simple_text_mail(sender, [(person.name, "nour.haddad.nl@gmail.com")], "Uw aanvraag", at(13, 16, 20),
                            text, "s33")


@sample("34_full_dossier_nested_zip_to_advocaat.eml",
        "COA sends the lawyer the whole bewonersdossier as a zip: six PDFs (one password-protected) and a nested "
        "zip with a DOCX", "C29",
        {"FULL_DOSSIER": "warn", "UNSCANNABLE_ATTACHMENT": "warn", "INSECURE_TRANSPORT": "warn",
         "LAWYER_UNVERIFIED": "info"}, "warn",
        may=("SPECIAL_OUTSIDE_CHAIN",), must_not=("NO_LEGAL_BASIS", "BULK_PERSONAL_DATA"),
        notes="UNSCANNABLE_ATTACHMENT reason 'versleuteld' for dossier_Aydin.zip/06_medisch.pdf (password "
              "'Aydin2025'). SPECIAL_OUTSIDE_CHAIN may fire (warn, advocaat) on the file name 'medisch'.",
        features=("zip > zip > docx", "AES-128 encrypted PDF inside a zip"))
def s34() -> bytes:
    sender, person = S["coa_juridisch"], P["aydin"]
    author = "COA locatie Budel-Cranendonck"
    members = [
        ("01_intakeformulier.pdf", coa_pdf("Intakeformulier", person,
                                           [("Nationaliteit", "Turkse"), ("Aankomst locatie", "3 februari 2025"),
                                            ("Unit/kamer", "C14")],
                                           ["Bewoner is geïnformeerd over de huisregels en de leefgeldregeling."],
                                           author)),
        ("02_bewonersovereenkomst.pdf", coa_pdf("Bewonersovereenkomst", person, [("Ingangsdatum", "3 februari 2025")],
                                                ["Bewoner verklaart zich te houden aan de huisregels van de locatie."],
                                                author)),
        ("03_leefgeld_overzicht.pdf", coa_pdf("Overzicht leefgeld", person,
                                              [("Rekeningnummer", iban_spaced(AYDIN_IBAN)),
                                               ("Periode", "februari - april 2025")],
                                              ["Leefgeld uitbetaald per week; geen inhoudingen."], author)),
        ("04_kamerwissel.pdf", coa_pdf("Registratie kamerwissel", person, [("Van", "C14"), ("Naar", "F12")],
                                       ["Kamerwissel wegens renovatie unit C per 14 april 2025."], author)),
        ("05_spreekuur_woonbegeleiding.pdf", coa_pdf("Spreekuur woonbegeleiding", person, [("Datum", "22 april 2025")],
                                                   ["Bewoner vraagt naar de mogelijkheden voor Nederlandse les en "
                                                    "vrijwilligerswerk. Doorverwezen naar het spreekuur."], author)),
        ("06_medisch.pdf", pdf_encrypt(medische_brief_pdf(person), "Aydin2025", "s34-medisch")),
        ("07_correspondentie.zip", make_zip([("brief_kamerwissel.docx", brief_docx(person))])),
    ]
    text = f"Geachte heer Yilmaz,\n\nHierbij het volledige bewonersdossier van dhr. {person.name}."
    return simple_text_mail(sender, [("mr. E. Yilmaz", "mr.yilmaz@yilmaz-advocaten.nl")],
                            f"Bewonersdossier {person.last}", at(15, 14, 12), text, "s34",
                            attachments=[attachment(make_zip(members), "application/zip",
                                                    f"dossier_{person.last}.zip")])


@sample("35_case_shared_for_learning_team.eml",
        "COA team leader shares a named LKO case 'ter lering' with the team distribution list",
        "C30", {"CASE_NOT_ANONYMISED": "warn"}, "warn",
        must_not=("CC_OVERREACH", "NO_LEGAL_BASIS", "INTERNAL_CORRESPONDENCE", "SUBJECTIVE_REMARK"), mbox=True)
def s35() -> bytes:
    sender, person = S["coa_tl_budel"], P["omar"]
    text = (f"Beste collega's,\n\nTer lering een bijzondere casus uit het LKO: dhr. {person.name} (V-nr "
            f"{person.vnr}) weigerde drie keer een kamerwissel. Zo zijn we ermee omgegaan: we hebben het gesprek "
            f"samen met de tolk gevoerd, de reden van de wissel op papier gezet en hem een week bedenktijd gegeven. "
            f"Daarna ging hij akkoord. Bespreek het gerust in het werkoverleg.")
    return simple_text_mail(sender, [("Team begeleiding Budel", "team-begeleiding-budel@coa.nl")],
                            "Leerzame casus kamerwissel", at(16, 9, 0), text, "s35")


@sample("36_asylum_motive_to_coa.eml",
        "IND tells COA that a resident's conversion was found not credible (asylum motive in the body)",
        "C10 variant", {"ASYLUM_MOTIVE_IN_CHAIN": "warn"}, "warn",
        must_not=("SPECIAL_OUTSIDE_CHAIN", "FULL_BESCHIKKING"), mbox=True)
def s36() -> bytes:
    sender, person = S["ind_ter_apel"], P["moradi"]
    text = ("Beste collega,\n\nVoor de begeleiding op de locatie: " + MORADI_TEXT.format(name=person.name,
                                                                                       vnr=person.vnr))
    return simple_text_mail(sender, [("COA Ter Apel opvang", "opvang.ter.apel@coa.nl")],
                            f"Informatie bewoner {person.last}", at(13, 14, 30), text, "s36")


@sample("37_forwarded_internal_thread_to_coa.eml",
        "IND forwards an internal IND deliberation to COA: inline forward plus the earlier internal mail as a "
        "message/rfc822 attachment", "INTERNAL_CORRESPONDENCE (inferred)",
        {"INTERNAL_CORRESPONDENCE": "warn"}, "warn",
        must_not=("SOURCE_NOT_OWNER", "NO_LEGAL_BASIS", "CASE_NOT_ANONYMISED", "ASYLUM_MOTIVE_IN_CHAIN"),
        notes="Inferred internal thread: all quoted addresses are @ind.nl and contain deliberation ('intern "
              "overleg', 'mijn advies', 'wat vinden jullie', 'niet delen met'); no explicit marker, so warn.",
        features=("inline '---------- Doorgestuurd bericht ----------'", "message/rfc822 attachment"))
def s37() -> bytes:
    sender, person = S["ind_dekker"], P["sultani"]
    bos, smit = ("Jolien Bos", "j.bos@ind.nl"), ("Eva Smit", "e.smit@ind.nl")
    first_when = at(12, 10, 5)
    inner_text = (f"Hoi Mark, Eva,\n\nIntern overleg over dhr. {person.name} (V-nr {person.vnr}): de "
                  f"identiteitsdocumenten zijn nog niet onderzocht en de gemachtigde vraagt om een snelle "
                  f"beslissing. Mijn advies is eerst het documentonderzoek af te ronden en de beslissing twee "
                  f"weken aan te houden. Wat vinden jullie? Graag nog niet delen met de gemachtigde.\n\nJolien Bos\n"
                  f"Beslismedewerker asiel, IND Zwolle")
    inner = message(bos, [(sender.name, sender.address), smit], f"Zaak {person.last}: aanhouden?", first_when,
                    text_part(inner_text), "s37-inner")
    reply_text = ("Eens met Jolien, tussen ons: de kans dat het beroep slaagt als we nu beslissen is groot.\n\nEva")
    forward = ("\n\n---------- Doorgestuurd bericht ----------\n"
               f"Van: {smit[0]} <{smit[1]}>\nDatum: ma 12 mei 2025 om 11:20\n"
               f"Onderwerp: RE: Zaak {person.last}: aanhouden?\nAan: {bos[0]} <{bos[1]}>, {sender.name} "
               f"<{sender.address}>\n\n{reply_text}\n\n> {inner_text.replace(chr(10), chr(10) + '> ')}")
    text = (f"Beste collega's van het COA,\n\nZie hieronder, ter info, zodat jullie weten waarom de beslissing over "
            f"dhr. {person.name} nog even op zich laat wachten. Het oorspronkelijke bericht zit als bijlage bij.")
    root = multipart("mixed", [text_part(plain(sender, text) + forward),
                               rfc822_part(inner, f"Zaak {person.last} aanhouden.eml")])
    return message(sender, [("COA Zwolle opvang", "opvang.zwolle@coa.nl")], f"FW: Zaak {person.last}: aanhouden?",
                   at(12, 15, 44), root, "s37")


@sample("38_encrypted_pdf_to_ggd.eml",
        "COA sends the GGD a password-protected PDF for follow-up research (the password goes by text message)",
        "UNSCANNABLE_ATTACHMENT (encrypted)", {"UNSCANNABLE_ATTACHMENT": "warn"}, "warn",
        must_not=("INSECURE_TRANSPORT", "NO_LEGAL_BASIS", "PURPOSE_NOT_STATED", "SPECIAL_OUTSIDE_CHAIN"),
        notes="The PDF is AES-128 encrypted with a user password ('GgdTa2025'), so it counts as encrypted for "
              "INSECURE_TRANSPORT; reason 'versleuteld'. The body has no health term about the person: "
              "'gezondheidszaken' and 'gezondheid.tera@coa.nl' are in the sender's own signature.", mbox=True)
def s38() -> bytes:
    sender, person = S["coa_gezondheid"], P["ali"]
    text = (f"Beste collega,\n\nTen behoeve van het vervolgonderzoek stuur ik u de gegevens van dhr. {person.name} "
            f"(V-nr {person.vnr}) in de bijlage, beveiligd met een wachtwoord. Het wachtwoord ontvangt u per sms.")
    data = pdf_encrypt(medische_brief_pdf(person), "GgdTa2025", "s38")
    return simple_text_mail(sender, [("GGD intake asielzoekers", "intake.asielzoekers@ggdghor.nl")],
                            "Gegevens vervolgonderzoek (beveiligd)", at(16, 11, 25), text, "s38",
                            attachments=[attachment(data, PDF, f"verwijzing_{person.last}.pdf")])


@sample("39_corrupt_zip_internal.eml",
        "COA colleague to colleague: a truncated zip of document scans (internal, so no dossier or partner rules)",
        "UNSCANNABLE_ATTACHMENT (corrupt)", {"UNSCANNABLE_ATTACHMENT": "warn"}, "warn",
        must_not=("FULL_DOSSIER", "NO_LEGAL_BASIS", "CASE_NOT_ANONYMISED", "PHOTO_ATTACHMENT"),
        notes="Reason 'beschadigd': the zip is cut off before its central directory.")
def s39() -> bytes:
    sender, person = S["coa_zwolle"], P["yousef"]
    full = make_zip([("scan_0001.jpg", scan_jpeg("a")), ("scan_0002.jpg", scan_jpeg("b"))])
    truncated = full[: len(full) * 55 // 100]
    text = (f"Hoi Jan,\n\nHierbij de scans van de documenten van mevrouw {person.name} (V-nr {person.vnr}) voor het "
            f"dossier.")
    return simple_text_mail(sender, [("Jan Kramer", "j.kramer@coa.nl")], f"Scans {person.last}", at(16, 13, 33),
                            text, "s39", attachments=[attachment(truncated, "application/zip",
                                                                 f"scans_{person.last}.zip")])


# --------------------------------------------------------------------------
# Plain messages that only live in sent.mbox
# --------------------------------------------------------------------------


@dataclass
class MboxOnly:
    scenario: str
    fire: dict[str, str]
    verdict: str
    must_not: tuple[str, ...]
    build: Callable[[], bytes]


MBOX_ONLY: list[MboxOnly] = []


def mbox_only(scenario: str, fire: dict[str, str], verdict: str,
              must_not: tuple[str, ...] = ()) -> Callable[[Callable[[], bytes]], Callable[[], bytes]]:
    def register(build: Callable[[], bytes]) -> Callable[[], bytes]:
        MBOX_ONLY.append(MboxOnly(scenario, fire, verdict, must_not, build))
        return build
    return register


@mbox_only("IND internal: planning of a team meeting, no personal data", {}, "pass")
def m01() -> bytes:
    sender = S["ind_brouwer"]
    text = ("Hoi allebei,\n\nZullen we het werkoverleg van week 21 verplaatsen naar donderdag 22 mei om 13.30 uur? "
            "Agenda: jaarplanning, de nieuwe werkinstructie en de evaluatie van de handreiking.")
    return simple_text_mail(sender, [("Wouter Hendriks", "regio.overleg@ind.nl"), ("Marieke de Graaf",
                                                                                   "bmw.zwolle@ind.nl")],
                            "Werkoverleg week 21", at(5, 9, 2), text, "m01")


@mbox_only("COA invites the municipality's communication team to an information evening for neighbours", {}, "pass",
           ("NO_LEGAL_BASIS", "PURPOSE_NOT_STATED"))
def m02() -> bytes:
    sender = S["coa_regio_zuid"]
    text = ("Beste collega's,\n\nOp donderdag 22 mei organiseren wij om 19.30 uur een informatieavond voor "
            "omwonenden van de locatie Budel-Cranendonck in het dorpshuis. Wij lichten de uitbreiding met 120 "
            "plaatsen toe en beantwoorden vragen. Willen jullie de uitnodiging in de gemeentelijke nieuwsbrief "
            "opnemen?")
    return simple_text_mail(sender, [("Communicatie Cranendonck", "communicatie@cranendonck.nl")],
                            "Informatieavond omwonenden 22 mei", at(6, 10, 40), text, "m02")


@mbox_only("COA employee reports her own sick leave to a municipal desk (C33)", {}, "pass",
           ("SPECIAL_OUTSIDE_CHAIN", "NO_LEGAL_BASIS"))
def m03() -> bytes:
    sender = S["coa_zeist"]
    text = "Beste collega's,\n\nIk ben ziek en tot en met vrijdag afwezig; bel voor dringende zaken de locatie."
    return simple_text_mail(sender, [("Wmo Zeist", "wmo@zeist.nl")], "Afwezig tot en met vrijdag", at(7, 8, 5),
                            text, "m03")


@mbox_only("IND colleague: a phone number and a labelled zaaknummer/kenmerk, not V-nummers (C31)", {}, "pass")
def m04() -> bytes:
    sender = S["ind_brouwer"]
    text = "Hoi Jeroen,\n\nBel me even op 0612345678 over zaaknummer 2208123456, kenmerk 1904-0012."
    return simple_text_mail(sender, [("Jeroen de Vries", "j.devries@ind.nl")], "Zaaknummer 2208123456",
                            at(7, 11, 58), text, "m04")


@mbox_only("COA sends an NGO general information on the AVG e-learning (general text about special data)", {},
           "pass", ("CONSENT_REQUIRED", "SPECIAL_OUTSIDE_CHAIN", "PURPOSE_NOT_STATED"))
def m05() -> bytes:
    sender = S["coa_regio_zuid"]
    text = ("Beste vrijwilligerscoördinatoren,\n\nVanaf juni kunnen ook vrijwilligers de e-learning AVG volgen. De "
            "cursus legt uit wat gewone persoonsgegevens zijn en dat bijzondere persoonsgegevens, zoals gegevens over "
            "gezondheid, religie of seksuele gerichtheid, door de wet extra beschermd worden. Ook komt aan bod "
            "waarom lijstjes met persoonsgegevens bijna nooit nodig zijn. Aanmelden kan via de regiocoördinator.")
    return simple_text_mail(sender, [("VluchtelingenWerk Zuid", "vrijwilligers.zuid@vluchtelingenwerk.nl")],
                            "E-learning AVG voor vrijwilligers", at(8, 14, 15), text, "m05")


@mbox_only("IND answers the KMar's identification question about a traveller (C08)", {}, "pass",
           ("SPECIAL_OUTSIDE_CHAIN", "USE_CHAIN_SYSTEM", "NO_LEGAL_BASIS", "INSECURE_TRANSPORT"))
def m06() -> bytes:
    sender, person = S["ind_idesk"], P["rahimi"]
    asked = at(9, 6, 50)
    text = (f"Goedemorgen,\n\nTer identificatie: de persoon is bij de IND bekend als {person.name}, geboren "
            f"{person.dob}, Afghaanse nationaliteit, V-nr {person.vnr}; er loopt een asielprocedure.")
    return simple_text_mail(sender, [("KMar Identificatie Schiphol", "identificatie.schiphol@kmar.nl")],
                            "RE: Verzoek identificatie reiziger", at(9, 7, 32), text, "m06",
                            in_reply_to=external_id(asked, "kmar.nl", "m06"))


@mbox_only("COA internal HTML mail with a Dropbox link to photos of the summer party (no personal data)",
           {"BANNED_CHANNEL": "block"}, "block")
def m07() -> bytes:
    sender = S["coa_zwolle"]
    html = ("<html><body><p>Hoi allemaal,</p><p>De foto's van het zomerfeest staan in "
            "<a href=\"https://www.dropbox.com/sh/k2x9q8w7e6r5t4y/AAB1c2D3e4F5g6H7?dl=0\">deze map</a>.</p>"
            f"<p>{sender.signature_html()}</p></body></html>")
    root = multipart("alternative", [text_part(plain(sender, "Hoi allemaal,\n\nDe foto's van het zomerfeest staan "
                                                             "in de gedeelde map (link in de html-versie).")),
                                     text_part(html, "html")])
    return message(sender, [("Locatie Zwolle medewerkers", "medewerkers.zwolle@coa.nl")], "Foto's zomerfeest",
                   at(9, 16, 30), root, "m07")


@mbox_only("DT&V asks a police contact to 'app' about a meeting (text instruction, no link, no personal data)",
           {"BANNED_CHANNEL": "warn"}, "warn")
def m08() -> bytes:
    sender = S["dtv_smits"]
    text = "Hoi Kees,\n\nApp me even over de planning van donderdag, dan schuif ik aan bij het overleg."
    return simple_text_mail(sender, [("Kees Verhagen", "k.verhagen@politie.nl")], "Overleg donderdag",
                            at(12, 17, 5), text, "m08")


@mbox_only("IND automatic out-of-office reply", {}, "pass")
def m09() -> bytes:
    sender = S["ind_brouwer"]
    text = ("Dank voor je bericht. Ik ben afwezig tot en met 19 mei en lees mijn mail niet. Voor dringende zaken "
            "kun je mailen naar regio.overleg@ind.nl.")
    body = text_part(text)
    return message(sender, [("Sandra Post", "opvang.ter.apel@coa.nl")], "Automatisch antwoord: Planning uitstroom",
                   at(13, 12, 1), body, "m09", extra=[("Auto-Submitted", "auto-replied")])


@mbox_only("DT&V asks IOM a general question about the return programme, no person", {}, "pass",
           ("CONSENT_REQUIRED", "PURPOSE_NOT_STATED"))
def m10() -> bytes:
    sender = S["dtv_smits"]
    text = ("Beste collega's,\n\nKunnen jullie mij de actuele voorwaarden sturen voor de herintegratieondersteuning "
            "bij zelfstandige terugkeer naar Georgië? Wij willen de informatie gebruiken in onze folder.")
    return simple_text_mail(sender, [("IOM Nederland", "info.nl@iom.int")], "Voorwaarden herintegratieondersteuning",
                            at(14, 13, 44), text, "m10")


# --------------------------------------------------------------------------
# Output: files, mbox, expected.json, README.md, and a self-check
# --------------------------------------------------------------------------


def highest(fire: dict[str, str]) -> str:
    worst = max((SEVERITY_RANK[s] for s in fire.values()), default=0)
    return {0: "pass", 1: "warn", 2: "block"}[worst]


def header_of(raw: bytes, name: str) -> str:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    return str(parsed[name] or "")


def write_mbox(entries: list[tuple[bytes, str]]) -> bytes:
    out = []
    for raw, _ in sorted(entries, key=lambda e: (email.utils.parsedate_to_datetime(header_of(e[0], "Date")), e[1])):
        when = email.utils.parsedate_to_datetime(header_of(raw, "Date"))
        sender = email.utils.parseaddr(header_of(raw, "From"))[1]
        out.append(f"From {sender} {when.astimezone(UTC):%a %b %d %H:%M:%S %Y}\n".encode())
        for line in raw.split(b"\n"):
            out.append((b">" + line if re.match(rb"^>*From ", line) else line) + b"\n")
    return b"".join(out)


def check_message(name: str, raw: bytes) -> None:
    """Parse a written message back with the standard library and open every attachment."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["From"] and msg["To"] and msg["Message-ID"], name
    for part in msg.walk():
        if part.is_multipart() or part.get_content_type() == "message/rfc822":
            continue
        payload = part.get_payload(decode=True)
        filename = part.get_filename() or ""
        assert payload is not None, (name, filename)
        _check_file(f"{name}/{filename}", payload)


def _check_file(where: str, data: bytes) -> None:
    lower = where.lower()
    if lower.endswith(".pdf"):
        reader = PdfReader(io.BytesIO(data))
        if not reader.is_encrypted:
            assert reader.pages[0].extract_text().strip(), where
    elif lower.endswith(".docx"):
        Document(io.BytesIO(data))
    elif lower.endswith(".xlsx"):
        openpyxl.load_workbook(io.BytesIO(data))
    elif lower.endswith(".zip"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            assert "scans_" in lower, f"{where}: unexpected corrupt zip"
            return
        for member in archive.namelist():
            _check_file(f"{where}/{member}", archive.read(member))
    elif lower.endswith((".jpg", ".png")):
        Image.open(io.BytesIO(data)).verify()


def rule_cell(fire: dict[str, str]) -> str:
    return ", ".join(f"{rule} ({severity})" for rule, severity in fire.items()) or "—"


def render_readme(samples: list[Sample], mbox_rows: list[dict], sizes: dict[str, int]) -> str:
    lines = [
        "# Sample mails",
        "",
        "Fictional outgoing mails of IND, DT&V and COA for tests, demos and the audit command. **Every person, "
        "V-nummer, BSN, IBAN, phone number and address here is invented.** V-nummers are ten digits, BSNs pass the "
        "11-proef, IBANs have a valid mod-97 check (bank code `ABNA`, random account numbers). The sender's own "
        "signature block (name, function, organisation, phone) is not a finding (CONTRACT §3).",
        "",
        "Regenerate (deterministic, seed `20250512`; the same code writes byte-identical files):",
        "",
        "```",
        ".venv/bin/pip install reportlab   # BSD; python-docx, openpyxl, Pillow and pypdf are already needed",
        ".venv/bin/python samples/generate.py",
        "```",
        "",
        "The generator also parses every written message back, opens every attachment (PDF, DOCX, XLSX, nested "
        "zip), checks that the 22 rules are all covered and that the folder stays under 3 MB. `expected.json` "
        "holds the tables below in machine-readable form (`samples.load_expected()`); this README and "
        "`expected.json` are written by the generator, so edit `generate.py`, not them.",
        "",
        "Expectations follow `domain/rules.md` (triggers, default severities, §3 de-duplication) and the worked "
        "cases of `domain/cases.md` (column *Case*). *Must fire* gives each rule with its highest severity; the "
        "verdict is the highest severity after motivation (info never raises it). *May fire* rules are allowed but "
        "not required; *must not fire* rules are errors if reported. Passwords of the protected PDFs: "
        "`34`: `Aydin2025` (member `06_medisch.pdf`), `38`: `GgdTa2025`.",
        "",
        "Use them with the scanner, e.g. `verzendcheck scan samples/*.eml --format json` or "
        "`verzendcheck audit samples/sent.mbox --out report.html`.",
        "",
        "## The .eml samples",
        "",
        "| File | Scenario | Case | Must fire (severity) | May fire | Must not fire | Verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in samples:
        lines.append(f"| `{s.file}` | {s.scenario} | {s.case} | {rule_cell(s.fire)} | {', '.join(s.may) or '—'} | "
                     f"{', '.join(s.must_not) or '—'} | **{s.verdict}** |")
    lines += ["", "### Notes per sample", ""]
    for s in samples:
        detail = " ".join(filter(None, [s.notes, ("Format: " + ", ".join(s.features) + ".") if s.features else ""]))
        if detail:
            lines.append(f"- `{s.file}`: {detail}")
    lines += [
        "",
        "## sent.mbox",
        "",
        f"{len(mbox_rows)} messages in date order (mboxrd, `From ` lines quoted with `>`): copies of the samples "
        "marked below plus plain mails that exist only here. Index is the 1-based position in the file.",
        "",
        "| # | Message-ID | Subject | Same as (or scenario) | Must fire (severity) | Verdict |",
        "|---|---|---|---|---|---|",
    ]
    for row in mbox_rows:
        lines.append(f"| {row['index']} | `{row['message_id']}` | {row['subject']} | "
                     f"{('`' + row['same_as'] + '`') if row['same_as'] else row['scenario']} | "
                     f"{rule_cell(row['fire'])} | **{row['verdict']}** |")
    lines += ["", "## Coverage of the 22 rules", "", "| Rule | Samples (severity) |", "|---|---|"]
    for rule in RULES:
        hits = [f"{s.file[:2]} ({s.fire[rule]})" for s in samples if rule in s.fire]
        lines.append(f"| {rule} | {', '.join(hits)} |")
    lines += ["", "## Formats exercised", ""]
    formats = [
        ("quoted-printable bodies", "01, 04, 05, 06 …"), ("base64 body", "02"),
        ("iso-8859-1 body and RFC 2047 subject", "04"), ("windows-1252 body (quoted-printable / 8bit)", "05, 11"),
        ("HTML only with `<a href>` and inline cid logo", "19"), ("multipart/alternative", "06, 12, mbox Dropbox mail"),
        ("multipart/related with cid image", "12, 19"),
        ("S/MIME multipart/signed (application/pkcs7-signature)", "23"),
        ("inline forward `---------- Doorgestuurd bericht ----------`", "14, 37"),
        ("message/rfc822 attachment", "37"), ("Outlook-style quoted reply (Van/Verzonden/Aan/Onderwerp)",
                                               "01, 04, 17, 21"),
        ("`>` quoted reply", "10"), ("x-uuencode attachment (CSV)", "27"),
        ("12-page beschikking PDF / 3-page excerpt", "08, 16, 18 / 07, 17"), ("machtiging PDF with signature image",
                                                                               "09, 22"),
        ("DOCX with tables, header/footer fields and a comment", "30"), ("DOCX marked Intern (custom properties)",
                                                                         "29"),
        ("DOCX vertrekstrategie / LSO verslag", "22 / 28"), ("XLSX list of 24 residents", "26"),
        ("JPEG pasfoto", "31"), ("password-protected PDF", "38, inside 34"),
        ("nested zip with a DOCX", "34"), ("truncated (corrupt) zip", "39"), ("Auto-Submitted reply", "mbox"),
    ]
    lines += [f"- {what}: {where}" for what, where in formats]
    total = sum(sizes.values())
    lines += ["", f"Total size of the generated files: {total / 1024:.0f} KB.", ""]
    return "\n".join(lines)


def main() -> int:
    written: dict[str, bytes] = {}
    mbox_entries: list[tuple[bytes, str]] = []
    for s in SAMPLES:
        assert s.verdict == highest(s.fire), f"{s.file}: verdict {s.verdict} != rules {s.fire}"
        assert not set(s.fire) & set(s.must_not), s.file
        raw = s.build()
        written[s.file] = raw
        if s.mbox:
            mbox_entries.append((raw, s.file))
    plain_expect: dict[str, MboxOnly] = {}
    for number, m in enumerate(MBOX_ONLY, start=1):
        assert m.verdict == highest(m.fire)
        raw = m.build()
        key = f"mbox-only-{number:02d}"
        plain_expect[key] = m
        mbox_entries.append((raw, key))

    covered = {rule for s in SAMPLES for rule in s.fire}
    missing = [rule for rule in RULES if rule not in covered]
    assert not missing, f"rules without a sample: {missing}"
    assert bsn_valid(DARWISH_BSN) and iban_valid(DARWISH_IBAN) and iban_valid(AYDIN_IBAN)
    assert all(bsn_valid(b) for _, b, _, _ in bezetting_rows() if b)
    assert all(len(p.vnr) == 10 and p.vnr.isdigit() for p in P.values())

    for name, raw in written.items():
        check_message(name, raw)
    mbox = write_mbox(mbox_entries)

    by_file = {s.file: s for s in SAMPLES}
    mbox_rows = []
    ordered = sorted(mbox_entries, key=lambda e: (email.utils.parsedate_to_datetime(header_of(e[0], "Date")), e[1]))
    for index, (raw, key) in enumerate(ordered, start=1):
        if key in by_file:
            s = by_file[key]
            fire, verdict, scenario, must_not = s.fire, s.verdict, s.scenario, s.must_not
        else:
            m = plain_expect[key]
            fire, verdict, scenario, must_not = m.fire, m.verdict, m.scenario, m.must_not
        mbox_rows.append({"index": index, "message_id": header_of(raw, "Message-ID"),
                          "subject": header_of(raw, "Subject"), "same_as": key if key in by_file else None,
                          "scenario": scenario, "fire": fire, "must_not_fire": list(must_not), "verdict": verdict})

    expected = {
        "schema": 1,
        "generator": "samples/generate.py",
        "seed": SEED,
        "samples": {s.file: {"scenario": s.scenario, "case": s.case, "fire": s.fire, "may_fire": list(s.may),
                             "must_not_fire": list(s.must_not), "verdict": s.verdict, "notes": s.notes,
                             "features": list(s.features)} for s in SAMPLES},
        "mbox": {"file": "sent.mbox", "messages": mbox_rows},
    }

    for old in OUT.glob("[0-9][0-9]_*.eml"):
        if old.name not in written:
            old.unlink()
    for name, raw in written.items():
        (OUT / name).write_bytes(raw)
    (OUT / "sent.mbox").write_bytes(mbox)
    (OUT / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sizes = {name: len(raw) for name, raw in written.items()}
    sizes["sent.mbox"] = len(mbox)
    sizes["expected.json"] = (OUT / "expected.json").stat().st_size
    (OUT / "README.md").write_text(render_readme(SAMPLES, mbox_rows, sizes), encoding="utf-8")
    total = sum(p.stat().st_size for p in OUT.iterdir() if p.is_file())
    assert total < 3 * 1024 * 1024, f"samples folder is {total} bytes"
    print(f"wrote {len(written)} samples, sent.mbox ({len(mbox_rows)} messages), expected.json, README.md; "
          f"{total / 1024:.0f} KB in total", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
