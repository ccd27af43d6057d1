"""The report for people: the verdict, each rule with what to do, masked findings, and one line of advice."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from scanner.model import SEVERITY_RANK, Finding, Result, Suggestion, Violation, mask
from scanner.policy import load_policy

_WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "verzendcheck",
        "verdict": "Oordeel",
        "block": "BLOKKEREN: zo mag het bericht niet weg",
        "warn": "WAARSCHUWING: bevestig met een motivering",
        "pass": "IN ORDE: het bericht mag weg",
        "tag_block": "BLOK",
        "tag_warn": "LET OP",
        "tag_info": "INFO",
        "from": "Van",
        "to": "Aan",
        "motivation": "Motivering",
        "recipients": "ontvangers",
        "attachment": "bijlage",
        "todo": "Wat te doen",
        "suggestions": "Voorstel",
        "source": "Bron",
        "rule": "Regel",
        "message": "Melding",
        "findings": "Gevonden persoonsgegevens",
        "masked": "gemaskeerd",
        "subject": "onderwerp",
        "body": "tekst van de mail",
        "page": "pagina",
        "none": "Geen persoonsgegevens gevonden.",
        "errors": "Fouten bij het lezen",
        "advice": "Advies",
        "advice_pass": "je kunt dit bericht versturen",
        "advice_pass_info": "je kunt dit bericht versturen; lees de opmerkingen hierboven",
        "advice_motivation": "zet anders een regel \"Motivering: …\" in je bericht",
        "and": "en",
        "or": "of",
        "remove": "verwijder {x}",
        "keep": "stuur alleen {pages} van {name}",
        "pages_word": "pagina",
        "machtiging": "voeg de machtiging van de vreemdeling (datum, naam, handtekening) toe",
        "ask_source": "laat de ontvanger {name} zelf opvragen bij {org}",
        "channel": "gebruik {x}",
        "channel_chain": "laat de ontvanger het ophalen via de ketenvoorzieningen (BVV/Indigo)",
        "drop": "haal {name} weg",
        "redact": "lak de gevoelige gegevens in {where}",
        "keep_only": "houd in {name} {keep}",
        "anonymise": "anonimiseer de casus",
        "the_mail": "de mail",
        "and_more": "en {n} meer",
        "times": "{n} keer",
    },
    "en": {
        "title": "verzendcheck",
        "verdict": "Verdict",
        "block": "BLOCK: the message may not leave as it is",
        "warn": "WARNING: confirm with a motivation",
        "pass": "PASS: the message may be sent",
        "tag_block": "BLOCK",
        "tag_warn": "WARN",
        "tag_info": "INFO",
        "from": "From",
        "to": "To",
        "motivation": "Motivation",
        "recipients": "recipients",
        "attachment": "attachment",
        "todo": "What to do",
        "suggestions": "Proposal",
        "source": "Source",
        "rule": "Rule",
        "message": "Message",
        "findings": "Personal data found",
        "masked": "masked",
        "subject": "subject",
        "body": "mail text",
        "page": "page",
        "none": "No personal data found.",
        "errors": "Errors while reading",
        "advice": "Advice",
        "advice_pass": "you can send this message",
        "advice_pass_info": "you can send this message; read the remarks above",
        "advice_motivation": "or add a line \"Motivering: …\" to your message",
        "and": "and",
        "or": "or",
        "remove": "remove {x}",
        "keep": "send only {pages} of {name}",
        "pages_word": "pages",
        "machtiging": "attach the vreemdeling's machtiging (date, name, signature)",
        "ask_source": "let the recipient request {name} from {org}",
        "channel": "use {x}",
        "channel_chain": "let the recipient fetch it through the chain systems (BVV/Indigo)",
        "drop": "remove {name}",
        "redact": "redact the sensitive data in {where}",
        "keep_only": "keep in {name} {keep}",
        "anonymise": "anonymise the case",
        "the_mail": "the mail",
        "and_more": "and {n} more",
        "times": "{n} times",
    },
}
# Rules whose warn a motivation lowers or confirms (rules.md §0).
_MOTIVATABLE = frozenset({"FULL_BESCHIKKING", "CC_OVERREACH", "ASYLUM_MOTIVE_IN_CHAIN"})


def _w(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["nl"])


def _join(items: Iterable[str], lang: str, conj: str | None = None) -> str:
    words = [w for w in dict.fromkeys(items) if w]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conj or _w(lang)['and']} {words[-1]}"


def _where(finding: Finding, lang: str) -> str:
    w = _w(lang)
    if finding.part == "subject":
        return w["subject"]
    if finding.part == "body":
        return w["body"]
    return f"{w['attachment']} {finding.attachment or '?'}"


def _page_ranges(pages: Sequence[int]) -> str:
    """"1-3, 6" for pages 1, 2, 3 and 6."""
    runs: list[list[int]] = []
    for p in sorted(set(pages)):
        if runs and runs[-1][1] == p - 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _findings_lines(findings: Sequence[Finding], lang: str, reveal: bool) -> list[str]:
    """One line per value and place, with the pages it is on (masked unless `reveal`)."""
    w = _w(lang)
    grouped: dict[tuple[str, str, str], list[int | None]] = {}
    for f in findings:
        if f.special and not f.linked:
            continue
        shown = " ".join((f.text if reveal else mask(f.text, f.entity)).split())
        label = f.entity + (f"/{f.subcategory}" if f.subcategory else "")
        grouped.setdefault((label, shown, _where(f, lang)), []).append(f.page)
    lines = []
    for (label, shown, where), pages in grouped.items():
        numbers = [p for p in pages if p]
        place = f"{where}, {w['page']} {_page_ranges(numbers)}" if numbers else where
        times = f" ({w['times'].format(n=len(pages))})" if len(pages) > 1 else ""
        lines.append(f"  - {label} {shown} — {place}{times}")
    return lines


def _pages(pages: Sequence[int], lang: str) -> str:
    w = _w(lang)
    return f"{w['pages_word']} {_join([str(p) for p in pages], lang)}"


def _advice_parts(suggestions: Sequence[Suggestion], violations: Sequence[Violation], lang: str) -> list[str]:
    """What the sender should do, from the suggestions of the block and warn violations."""
    w = _w(lang)
    serious = {v.rule for v in violations if v.severity in ("block", "warn")}
    chosen = [s for s in suggestions if s.details.get("rule") in serious]
    parts: list[str] = []
    removed = [s.details["address"] for s in chosen if s.action == "remove_recipient" and s.details.get("address")]
    if removed:
        parts.append(w["remove"].format(x=_join(removed, lang)))
    # Not sending at all (ask the source) beats sending fewer pages of the same attachment.
    handled: set[str] = set()
    for s in chosen:
        d = s.details
        name = d.get("attachment") or w["the_mail"]
        if s.action == "ask_source" and name not in handled:
            handled.add(name)
            org = load_policy().organisation(d.get("organisation"))
            phrase = load_policy().org_phrase(org, lang) if org else d.get("organisation", "?")
            parts.append(w["ask_source"].format(name=name, org=phrase))
    for s in chosen:
        d = s.details
        name = d.get("attachment") or w["the_mail"]
        if s.action == "keep_pages" and d.get("pages") and name not in handled:
            handled.add(name)
            parts.append(w["keep"].format(pages=_pages(d["pages"], lang), name=name))
    for s in chosen:
        d = s.details
        name = d.get("attachment") or w["the_mail"]
        if s.action == "add_machtiging":
            parts.append(w["machtiging"])
        elif s.action == "use_channel":
            channel = d.get("channel")
            if isinstance(channel, list | tuple):
                parts.append(w["channel"].format(x=_join(channel, lang, w["or"])))
            elif channel:
                parts.append(w["channel_chain"])
        elif s.action == "redact" and name not in handled:
            if d.get("remove"):
                handled.add(name)
                parts.append(w["drop"].format(name=name))
            elif d.get("keep"):
                parts.append(w["keep_only"].format(name=name, keep=d["keep"]))
            elif d.get("entities"):
                parts.append(w["redact"].format(where=name))
        elif s.action == "anonymise":
            parts.append(w["anonymise"])
    return list(dict.fromkeys(parts))


def advice(result: Result, lang: str = "nl") -> str:
    """The one line the sender can act on."""
    w = _w(lang)
    parts = _advice_parts(result.suggestions, result.violations, lang)
    if result.verdict == "pass":
        text = w["advice_pass_info"] if result.violations else w["advice_pass"]
    else:
        text = _join(parts, lang) if parts else ""
        needs_motivation = result.verdict == "warn" and not result.motivation and any(
            v.severity == "warn" for v in result.violations)
        if needs_motivation and any(v.rule in _MOTIVATABLE for v in result.violations):
            text = f"{text}, {w['advice_motivation']}" if text else w["advice_motivation"].split(" ", 1)[1]
        if not text:
            text = _first_fix(result.violations)
    text = text.strip()
    return f"{w['advice']}: {text[:1].upper()}{text[1:]}."


def _first_fix(violations: Sequence[Violation]) -> str:
    for v in sorted(violations, key=lambda v: -SEVERITY_RANK.get(v.severity, 0)):
        if v.fix:
            return v.fix.rstrip(".")
    return ""


def _grouped(violations: Sequence[Violation]) -> list[tuple[str, list[Violation]]]:
    groups: dict[str, list[Violation]] = {}
    for v in violations:
        groups.setdefault(v.rule, []).append(v)
    return sorted(groups.items(), key=lambda kv: -max(SEVERITY_RANK.get(v.severity, 0) for v in kv[1]))


def _suggestion_text(s: Suggestion, lang: str) -> str:
    parts = _advice_parts([s], [Violation(s.details.get("rule", ""), "warn", "", "")], lang)
    return parts[0] if parts else s.action


def render_text(result: Result, lang: str = "nl", reveal: bool = False) -> str:
    """A readable report, grouped by rule, ending with one line of advice."""
    result = result.for_output(reveal)
    w = _w(lang)
    lines = [f"{w['title']}: {result.input}", f"{w['verdict']}: {w[result.verdict]}"]
    if result.sender and (result.sender.get("address") or result.sender.get("organisation")):
        org = result.sender.get("organisation")
        lines.append(f"{w['from']}: {result.sender.get('address') or '-'}" + (f" ({org})" if org else ""))
    if result.recipients:
        shown = [f"{r.address} [{r.field}] ({r.organisation or '?'}, {r.category})" for r in result.recipients]
        lines.append(f"{w['to']}: " + "; ".join(shown))
    if result.motivation:
        lines.append(f"{w['motivation']}: {result.motivation}")
    for rule, violations in _grouped(result.violations):
        lines.append("")
        for v in violations:
            tag = w[f"tag_{v.severity}"]
            about = []
            if v.attachment:
                about.append(f"{w['attachment']} {v.attachment}")
            if v.recipients:
                about.append(f"{w['recipients']}: {', '.join(v.recipients)}")
            lines.append(f"[{tag}] {rule}" + (f" — {'; '.join(about)}" if about else ""))
            lines.append(f"  {v.message}")
            if v.fix:
                lines.append(f"  {w['todo']}: {v.fix}")
        proposals = [_suggestion_text(s, lang) for s in result.suggestions if s.details.get("rule") == rule]
        proposals = list(dict.fromkeys(p for p in proposals if p))
        if proposals:
            lines.append(f"  {w['suggestions']}: {'; '.join(proposals)}.")
        lines.append(f"  {w['source']}: {violations[0].source}")
    lines.append("")
    found = _findings_lines(result.findings, lang, reveal)
    if found:
        lines.append(f"{w['findings']}" + ("" if reveal else f" ({w['masked']})") + ":")
        lines += found
    else:
        lines.append(w["none"])
    if result.errors:
        lines.append(f"{w['errors']}: " + "; ".join(result.errors))
    lines.append("")
    lines.append(advice(result, lang))
    return "\n".join(lines)


def render_html(results: Sequence[Result], lang: str = "nl", reveal: bool = False) -> str:
    """The same report for several results as one self-contained HTML page."""
    w = _w(lang)
    colours = {"block": "#b00020", "warn": "#b26a00", "pass": "#2e7d32", "info": "#455a64"}
    body: list[str] = []
    for result in (r.for_output(reveal) for r in results):
        verdict = result.verdict
        body.append(f'<section><h2>{html.escape(result.input)}</h2>'
                    f'<p class="verdict" style="color:{colours[verdict]}"><strong>{html.escape(w["verdict"])}: '
                    f'{html.escape(w[verdict])}</strong></p>')
        if result.violations:
            body.append(f"<table><tr><th></th><th>{html.escape(w['rule'])}</th><th>{html.escape(w['message'])}</th>"
                        f"<th>{html.escape(w['source'])}</th></tr>")
            for v in result.violations:
                fix = f"<br><em>{html.escape(w['todo'])}: {html.escape(v.fix)}</em>" if v.fix else ""
                body.append(f'<tr><td style="color:{colours[v.severity]}">{html.escape(w["tag_" + v.severity])}</td>'
                            f"<td>{html.escape(v.rule)}</td><td>{html.escape(v.message)}{fix}</td>"
                            f"<td>{html.escape(v.source)}</td></tr>")
            body.append("</table>")
        found = _findings_lines(result.findings, lang, reveal)
        if found:
            body.append("<ul>" + "".join(f"<li>{html.escape(line.strip()[2:])}</li>" for line in found) + "</ul>")
        body.append(f"<p><strong>{html.escape(advice(result, lang))}</strong></p></section>")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:.3em;vertical-align:top;text-align:left}")
    return (f'<!doctype html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(w['title'])}</title><style>{style}</style></head><body>"
            f"<h1>{html.escape(w['title'])}</h1>{''.join(body)}</body></html>")

