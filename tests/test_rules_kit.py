"""Helpers for the rule tests: build a Message, place Findings in it, run the rules (no recognizers)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from scanner.documents import classify_message
from scanner.model import SEVERITY_RANK, Finding, Message, Part, Suggestion, Violation
from scanner.policy import Policy, load_policy
from scanner.rules import evaluate, verdict_of
from scanner.rules.context import RuleContext

SPECIAL = {"SPECIAL_CATEGORY", "CRIMINAL_DATA", "ASYLUM_MOTIVE"}


def pdf(name: str, pages: Sequence[str], **kw: object) -> Part:
    """An attachment with one text per page, as ingest gives for a PDF."""
    return Part(part="attachment", kind="pdf", name=name, pages=list(pages), paged=True,
                content_type="application/pdf", size=sum(len(p) for p in pages), **kw)


def doc(name: str, text: str, kind: str = "docx", **kw: object) -> Part:
    return Part(part="attachment", kind=kind, name=name, pages=[text], size=len(text), **kw)


def image(name: str, size: int = 80_000, **meta: object) -> Part:
    return Part(part="attachment", kind="image", name=name, pages=[""], size=size, content_type="image/jpeg",
                meta=dict(meta))


def message(sender: str, to: Iterable[str] = (), body: str = "", *, cc: Iterable[str] = (),
            bcc: Iterable[str] = (), subject: str = "", attachments: Iterable[Part] = (),
            forwarded: Iterable[str] = (), headers: dict[str, str] | None = None, links: Iterable[str] = (),
            encrypted: bool = False) -> Message:
    parts = [Part(part="subject", kind="subject", pages=[subject])]
    parts.append(Part(part="body", kind="text", pages=[body]))
    parts += [Part(part="body", kind="text", pages=[text], forwarded=True) for text in forwarded]
    parts += list(attachments)
    return Message(input="test.eml", sender=sender, to=list(to), cc=list(cc), bcc=list(bcc), subject=subject,
                   headers=dict(headers or {}), parts=parts, links=list(links), encrypted=encrypted)


@dataclass
class Mark:
    """A finding to place: the first (or every) occurrence of `needle` in the message's parts."""

    needle: str
    entity: str
    subcategory: str | None = None
    linked: bool = True
    every: bool = False
    part_name: str | None = None  # only in this attachment
    term: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def place(msg: Message, marks: Iterable[Mark]) -> list[Finding]:
    """Findings at the places where the needles occur (what the recognizers would return)."""
    out: list[Finding] = []
    for mark in marks:
        found = False
        for index, part in enumerate(msg.parts):
            if mark.part_name is not None and part.name != mark.part_name:
                continue
            for page_no, page in enumerate(part.pages, 1):
                start = page.find(mark.needle)
                while start >= 0:
                    out.append(Finding(
                        entity=mark.entity, part=part.part, start=start, end=start + len(mark.needle),
                        text=mark.needle, score=0.9, attachment=part.name if part.part == "attachment" else None,
                        page=page_no if part.paged else None, subcategory=mark.subcategory, linked=mark.linked,
                        part_index=index, term=mark.term or (mark.needle.lower() if mark.entity in SPECIAL else None),
                    ))
                    found = True
                    if not mark.every:
                        break
                    start = page.find(mark.needle, start + 1)
                if found and not mark.every:
                    break
            if found and not mark.every:
                break
        assert found, f"needle not in message: {mark.needle!r}"
    return out


def context(msg: Message, marks: Iterable[Mark] = (), *, policy: Policy | None = None, org: str | None = None,
            lang: str = "nl") -> RuleContext:
    policy = policy or load_policy()
    findings = place(msg, marks)
    documents = classify_message(msg, findings, policy)
    for f in findings:
        if f.special and documents[f.part_index].about_one_person:
            f.linked = True
    return RuleContext.build(msg, findings, documents, policy, org=org, lang=lang)


@dataclass
class Outcome:
    violations: list[Violation]
    suggestions: list[Suggestion]

    @property
    def verdict(self) -> str:
        return verdict_of(self.violations)

    @property
    def fired(self) -> dict[str, str]:
        """Rule -> highest severity."""
        out: dict[str, str] = {}
        for v in self.violations:
            if v.rule not in out or SEVERITY_RANK[v.severity] > SEVERITY_RANK[out[v.rule]]:
                out[v.rule] = v.severity
        return out

    def of(self, rule: str) -> list[Violation]:
        return [v for v in self.violations if v.rule == rule]

    def suggested(self, action: str) -> list[Suggestion]:
        return [s for s in self.suggestions if s.action == action]


def run(msg: Message, marks: Iterable[Mark] = (), **kw: object) -> Outcome:
    return Outcome(*evaluate(context(msg, marks, **kw)))  # type: ignore[arg-type]


def person(name: str) -> Mark:
    return Mark(name, "PERSON")


def vnr(number: str) -> Mark:
    return Mark(number, "V_NUMBER")


def test_place_finds_needles_on_their_page() -> None:
    msg = message("a@ind.nl", ["b@coa.nl"], "Dhr. X (V-nr 1234567890).",
                  attachments=[pdf("b.pdf", ["eerste", "tweede 1234567890"])])
    found = place(msg, [Mark("1234567890", "V_NUMBER", every=True)])
    assert [(f.part, f.page) for f in found] == [("body", None), ("attachment", 2)]


def test_run_gives_a_verdict() -> None:
    assert run(message("a@ind.nl", ["b@ind.nl"], "Hallo")).verdict == "pass"


def beschikking_pages(total: int = 14, name: str = "Mehmet Aydin", vnr_: str = "2607781239",
                      numbers: Sequence[int] | None = None, relaas: str = "") -> list[str]:
    """Pages of an IND beschikking: letterhead and person on page 1, account in the middle,
    Rechtsgevolgen on page n-1 and Rechtsmiddelen on page n, footers "Pagina x van n"."""
    pages = []
    for x in numbers or range(1, total + 1):
        lines = [f"IND | Besluit asiel | V-nummer {vnr_}"]
        if x == 1:
            lines += ["Immigratie- en Naturalisatiedienst", "Ministerie van Justitie en Veiligheid",
                      "Retouradres Postbus 30125, 2500 GC Den Haag", f"De heer {name}", f"V-nummer {vnr_}",
                      "Onderwerp Besluit op uw aanvraag om een verblijfsvergunning asiel voor bepaalde tijd",
                      "Uw aanvraag wordt afgewezen als ongegrond (artikel 31 Vreemdelingenwet 2000)."]
        elif x == total - 1:
            lines += ["Rechtsgevolgen", "U moet Nederland binnen vier weken verlaten (vertrektermijn)."]
        elif x == total:
            lines += ["Rechtsmiddelen", "Tegen dit besluit kunt u binnen vier weken beroep instellen.",
                      "De Staatssecretaris van Justitie en Veiligheid,", "namens deze,"]
        else:
            lines += ["Overwegingen", relaas or "Betrokkene heeft verklaard over zijn asielrelaas."]
        lines.append(f"Pagina {x} van {total}")
        pages.append("\n".join(lines))
    return pages
