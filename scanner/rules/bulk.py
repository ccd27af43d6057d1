"""BULK_PERSONAL_DATA: lists of persons and multi-case LSO/LKO reports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scanner.documents import fold, load_toml
from scanner.model import Suggestion
from scanner.policy import CHAIN_CATEGORIES
from scanner.rules.common import Hit, find_all
from scanner.rules.context import RuleContext

IDENTIFIERS = ("V_NUMBER", "BSN", "KLANTNUMMER")


@dataclass
class BulkSignals:
    """What makes a message bulk (rules.md BULK_PERSONAL_DATA)."""

    persons: int = 0
    lists: list[int] = field(default_factory=list)  # parts that are lists of persons
    lso: list[int] = field(default_factory=list)  # LSO/LKO reports with several cases

    @property
    def default(self) -> bool:
        return bool(self.lists)


def bulk_signals(ctx: RuleContext) -> BulkSignals:
    spec = load_toml("rules.toml")["bulk"]
    policy = ctx.policy
    out = BulkSignals()
    for index, doc in enumerate(ctx.documents):
        if doc.kind == "lso_verslag" and doc.cases >= policy.threshold("lso_cases") and ctx.findings_in(index):
            out.lso.append(index)
    lso = set(out.lso)
    ids = {re.sub(r"\D", "", f.text) for f in ctx.personal if f.entity in IDENTIFIERS and f.part_index not in lso}
    persons = len(ids)
    if persons > 1 and find_all(spec["household"], ctx.all_body_text):
        surnames = {fold(f.text).split()[-1] for f in ctx.personal if f.entity == "PERSON" and f.text.split()}
        if len(surnames) <= 1:
            persons = 1
    persons = max([persons] + [d.subjects for i, d in enumerate(ctx.documents) if i not in lso])
    out.persons = persons
    for index, doc in enumerate(ctx.documents):
        if index in lso:
            continue
        if doc.kind == "lijst" and doc.rows >= policy.threshold("bulk_rows"):
            out.lists.append(index)
    if persons >= policy.threshold("bulk_persons") and not out.lists:
        out.lists.append(-1)
    if not out.lists and ctx.has_personal and find_all(spec["list_words"], ctx.own_text):
        data_parts = {f.part_index for f in ctx.personal} - lso
        if data_parts:
            out.lists.append(min(data_parts))
    return out


def is_bulk(ctx: RuleContext) -> bool:
    """Any bulk signal (also a risk raiser for INSECURE_TRANSPORT)."""
    signals = ctx.once(bulk_signals)
    return bool(signals.lists or signals.lso)


def bulk_personal_data(ctx: RuleContext) -> list[Hit]:
    """A list of persons (≥ threshold), or an LSO/LKO report with several cases to a non-member."""
    rule = "BULK_PERSONAL_DATA"
    if not ctx.has_personal:
        return []
    signals = ctx.once(bulk_signals)
    if not signals.lists and not signals.lso:
        return []
    policy = ctx.policy
    hits: list[Hit] = []
    targets = ctx.targets
    if signals.lso:
        doc = ctx.documents[signals.lso[0]]
        guests = [r for r in targets if not (ctx.match(r).organisation and ctx.match(r).organisation.lso_member)]
        for r in guests:
            outside = ctx.match(r).category != "kleine_keten" and not ctx.is_own(r)
            severity = policy.severity(rule) if outside else policy.severity(rule, "inside")
            hits.append(Hit(rule, severity, "lso", [r.address], attachment=doc.name,
                            fields={"document": doc.name or "verslag", "n": doc.cases},
                            suggestions=[Suggestion("redact", {"attachment": doc.name, "keep": "alleen het punt "
                                                               "over de zaak van de ontvanger" if ctx.lang == "nl"
                                                               else "only the item about the recipient's case"})]))
    if signals.lists:
        first = signals.lists[0]
        attachment = ctx.documents[first].name if first >= 0 and ctx.documents[first].part == "attachment" else None
        n = max(signals.persons, *(ctx.documents[i].rows for i in signals.lists if i >= 0)) \
            if any(i >= 0 for i in signals.lists) else signals.persons
        suggestions = [Suggestion("redact", {"attachment": attachment, "keep": "alleen de betrokken persoon"
                                             if ctx.lang == "nl" else "only the person concerned"})]
        if not targets:
            hits.append(Hit(rule, policy.severity(rule, "inside"), "default", [], attachment=attachment,
                            fields={"n": n}, suggestions=suggestions))
        for r in targets:
            m = ctx.match(r)
            outside = m.category != "kleine_keten" and not ctx.is_own(r)
            variant = "default" if outside else "inside"
            extra = []
            if m.category in CHAIN_CATEGORIES and not ctx.is_own(r):
                extra.append(Suggestion("use_channel", {"channel": "BVV", "recipients": [r.address]}))
            hits.append(Hit(rule, policy.severity(rule, variant) if variant == "inside" else policy.severity(rule),
                            "default", [r.address], attachment=attachment, fields={"n": n},
                            suggestions=suggestions + extra))
    return hits
