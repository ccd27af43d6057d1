"""The report for people: the verdict, each rule with what to do, masked findings, and one line of advice."""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from scanner.model import SEVERITY_RANK, Finding, Message, Result, Suggestion, Violation, mask
from scanner.policy import load_policy

LABELS = Path(__file__).parent / "data" / "labels.toml"
SEPARATOR = "=" * 72  # between the reports of several files

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
        "none_unread": "Geen persoonsgegevens gevonden in wat gelezen kon worden; niet alles kon worden gelezen.",
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
        "drop_what": "haal de {what} uit {name}",
        "drop_forwarded": "haal de doorgestuurde tekst uit de mail",
        "redact_generic": "pas {name} aan",
        "context": "Context",
        "kind": "Soort",
        "value": "Waarde",
        "where": "Waar",
        "report": "Rapport",
        "redact": "lak de gevoelige gegevens in {where}",
        "keep_only": "houd in {name} {keep}",
        "anonymise": "anonimiseer de casus",
        "the_mail": "de mail",
        "the_message": "het bericht",
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
        "none_unread": "No personal data found in what could be read; not everything could be read.",
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
        "drop_what": "remove the {what} from {name}",
        "drop_forwarded": "remove the forwarded text from the mail",
        "redact_generic": "adjust {name}",
        "context": "Context",
        "kind": "Kind",
        "value": "Value",
        "where": "Where",
        "report": "Report",
        "redact": "redact the sensitive data in {where}",
        "keep_only": "keep in {name} {keep}",
        "anonymise": "anonymise the case",
        "the_mail": "the mail",
        "the_message": "the message",
        "and_more": "and {n} more",
        "times": "{n} times",
    },
}
# Rules whose warn a motivation lowers or confirms (rules.md §0).
_MOTIVATABLE = frozenset({"FULL_BESCHIKKING", "CC_OVERREACH", "ASYLUM_MOTIVE_IN_CHAIN"})


def _w(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["nl"])


@cache
def _labels() -> dict:
    with LABELS.open("rb") as fh:
        return tomllib.load(fh)


def _label(table: str, key: str | None, lang: str) -> str:
    if not key:
        return ""
    tables = _labels().get(table, {})
    return (tables.get(lang) or tables.get("nl") or {}).get(key, key) if lang in tables else key


def rule_title(rule: str, lang: str = "nl") -> str:
    """"Volledige beschikking (FULL_BESCHIKKING)": the title people read, the id in brackets."""
    return f"{_label('rules', rule, lang)} ({rule})"


def entity_title(entity: str, subcategory: str | None, lang: str = "nl") -> str:
    """"naam", "bijzonder persoonsgegeven: gezondheid"."""
    label = _label("entities", entity, lang)
    return f"{label}: {_label('subcategories', subcategory, lang)}" if subcategory else label


def _source(source: str, lang: str) -> str:
    """A source reference; in English its own words translated (labels.toml [source_words])."""
    words = _labels().get("source_words", {}).get(lang, {})
    for nl in sorted(words, key=len, reverse=True):  # "afgeleid van" before "afgeleid"
        source = re.sub(rf"(?<!\w){re.escape(nl)}(?!\w)", words[nl], source)
    return source


def separator() -> str:
    """The line between the text reports of several files."""
    return SEPARATOR


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


def _finding_groups(findings: Sequence[Finding], lang: str, reveal: bool):
    """(kind, shown value, place, times, first finding) per value and place, pages joined."""
    w = _w(lang)
    grouped: dict[tuple[str, str, str, str], list[Finding]] = {}
    for f in findings:
        if f.special and not f.linked:
            continue
        # Special data has no masked form worth showing ("[ASYLUM_MOTIVE]"): its kind says it.
        shown = "" if f.special and not reveal else " ".join((f.text if reveal else mask(f.text, f.entity)).split())
        kind = f"{entity_title(f.entity, f.subcategory, lang)} ({f.entity})"
        grouped.setdefault((kind, shown, _where(f, lang), f.entity), []).append(f)
    out = []
    for (kind, shown, where, _entity), items in grouped.items():
        numbers = [f.page for f in items if f.page]
        place = f"{where}, {w['page']} {_page_ranges(numbers)}" if numbers else where
        times = w["times"].format(n=len(items)) if len(items) > 1 else ""
        out.append((kind, shown, place, times, items[0]))
    return out


def _findings_lines(findings: Sequence[Finding], lang: str, reveal: bool) -> list[str]:
    """One line per value and place, with the pages it is on (masked unless `reveal`)."""
    lines = []
    for kind, shown, place, times, _first in _finding_groups(findings, lang, reveal):
        value = f" {shown}" if shown else ""
        lines.append(f"  - {kind}{value} — {place}" + (f" ({times})" if times else ""))
    return lines


def _pages(pages: Sequence[int], lang: str) -> str:
    w = _w(lang)
    word = w["pages_word"] if len(pages) > 1 else w["page"]
    return f"{word} {_join([str(p) for p in pages], lang)}"


def _removed_recipients(suggestions: Sequence[Suggestion]) -> set[str]:
    return {s.details["address"] for s in suggestions if s.action == "remove_recipient" and s.details.get("address")}


def _advice_parts(suggestions: Sequence[Suggestion], violations: Sequence[Violation], lang: str) -> list[str]:
    """What the sender should do, from the suggestions of the block and warn violations.

    One advice per recipient, the strongest: a recipient to remove gets no other advice (no
    "add the machtiging" for an address the sender is told to take off).
    """
    w = _w(lang)
    serious = {v.rule for v in violations if v.severity in ("block", "warn")}
    chosen = [s for s in suggestions if s.details.get("rule") in serious]
    parts: list[str] = []
    removed = [s.details["address"] for s in chosen if s.action == "remove_recipient" and s.details.get("address")]
    if removed:
        parts.append(w["remove"].format(x=_join(removed, lang)))
    gone = set(removed)
    # An attachment to leave out gets no "keep only …" or "redact …" as well: removing is the strongest.
    dropped = {s.details.get("attachment") for s in chosen
               if s.action == "redact" and s.details.get("remove") and s.details.get("attachment")}
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
            if d.get("recipient") not in gone:
                parts.append(w["machtiging"])
        elif s.action == "use_channel":
            channel = d.get("channel")
            recipients = set(d.get("recipients") or [])
            if recipients and recipients <= gone:
                continue
            if isinstance(channel, list | tuple):
                names = [_label("channels", c, lang) for c in channel]
                parts.append(w["channel"].format(x=_join(names, lang, w["or"])))
            elif channel:
                parts.append(w["channel_chain"])
        elif s.action == "redact" and name not in handled:
            if d.get("what") and not d.get("attachment"):
                parts.append(w["drop_what"].format(what=d["what"], name=w["the_message"]))
            elif d.get("remove") and not d.get("attachment") and d.get("part") == "body":
                parts.append(w["drop_forwarded"])
            elif name in dropped and not d.get("remove"):
                continue
            elif d.get("remove"):
                handled.add(name)
                parts.append(w["drop"].format(name=name))
            elif d.get("keep"):
                parts.append(w["keep_only"].format(name=name, keep=d["keep"]))
            elif d.get("entities"):
                parts.append(w["redact"].format(where=name))
            else:
                parts.append(w["redact_generic"].format(name=name))
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


def _proposals(result: Result, rule: str, lang: str) -> list[str]:
    """The proposals of one rule as one list ("verwijder a, b en c"), without advice for removed recipients."""
    mine = [s for s in result.suggestions if s.details.get("rule") == rule]
    gone = _removed_recipients(result.suggestions)
    if rule not in {s.details.get("rule") for s in result.suggestions if s.action == "remove_recipient"}:
        mine = [s for s in mine if not (s.action == "add_machtiging" and s.details.get("recipient") in gone)]
    parts = _advice_parts(mine, [Violation(rule, "warn", "", "")], lang)
    return list(dict.fromkeys(p for p in parts if p))


def _recipient_line(result: Result, lang: str) -> str:
    shown = [f"{r.address} [{_label('fields', r.field, lang)}] ({r.organisation or '?'}, "
             f"{_label('categories', r.category, lang)})" for r in result.recipients]
    return "; ".join(shown)


def render_text(result: Result, lang: str = "nl", reveal: bool = False) -> str:
    """A readable report, grouped by rule, ending with one line of advice."""
    result = result.for_output(reveal)
    w = _w(lang)
    lines = [f"{w['title']}: {result.input}", f"{w['verdict']}: {w[result.verdict]}"]
    if result.sender and (result.sender.get("address") or result.sender.get("organisation")):
        org = result.sender.get("organisation")
        lines.append(f"{w['from']}: {result.sender.get('address') or '-'}" + (f" ({org})" if org else ""))
    if result.recipients:
        lines.append(f"{w['to']}: {_recipient_line(result, lang)}")
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
            lines.append(f"[{tag}] {rule_title(rule, lang)}" + (f" — {'; '.join(about)}" if about else ""))
            lines.append(f"  {v.message}")
            if v.fix:
                lines.append(f"  {w['todo']}: {v.fix}")
        proposals = _proposals(result, rule, lang)
        if proposals:
            lines.append(f"  {w['suggestions']}: {'; '.join(proposals)}.")
        lines.append(f"  {w['source']}: {_source(violations[0].source, lang)}")
    lines.append("")
    found = _findings_lines(result.findings, lang, reveal)
    if found:
        lines.append(f"{w['findings']}" + ("" if reveal else f" ({w['masked']})") + ":")
        lines += found
    else:
        lines.append(_nothing_found(result, w))
    if result.errors:
        lines.append(f"{w['errors']}: " + "; ".join(result.errors))
    lines.append("")
    lines.append(advice(result, lang))
    return "\n".join(lines)


CONTEXT_CHARS = 60
# Reference and case numbers around a finding are not findings themselves, but they point to a person.
_NUMBER_RUN = re.compile(r"\d[\d .\-/]{4,}\d")


def _mask_numbers(text: str) -> str:
    from scanner.privacy import MIN_DIGITS

    def one(match: re.Match[str]) -> str:
        digits = sum(c.isdigit() for c in match.group(0))
        return mask(match.group(0), "V_NUMBER") if digits >= MIN_DIGITS else match.group(0)

    return _NUMBER_RUN.sub(one, text)


def finding_context(message: Message, finding: Finding, findings: Sequence[Finding], reveal: bool = False) -> str:
    """HTML of the text around a finding: every finding in the window masked (unless `reveal`), this one marked."""
    if not 0 <= finding.part_index < len(message.parts):
        return ""
    part = message.parts[finding.part_index]
    index = (finding.page or 1) - 1
    if not 0 <= index < len(part.pages):
        return ""
    text = part.pages[index]
    if finding.end > len(text) or text[finding.start:finding.end] != finding.text:
        return ""
    lo, hi = max(0, finding.start - CONTEXT_CHARS), min(len(text), finding.end + CONTEXT_CHARS)
    spans = sorted((f.start, f.end, f) for f in findings
                   if f.part_index == finding.part_index and f.page == finding.page and f.start < hi and f.end > lo)
    plain = (lambda t: html.escape(t)) if reveal else (lambda t: html.escape(_mask_numbers(t)))
    out, pos = [], lo
    for start, end, f in spans:
        if start < pos:
            continue
        start, end = max(start, lo), min(end, hi)
        out.append(plain(text[pos:start]))
        shown = text[start:end] if reveal else mask(f.text, f.entity)
        tag = "mark" if f is finding else "span class=\"m\""
        out.append(f"<{tag}>{html.escape(' '.join(shown.split()))}</{tag.split()[0]}>")
        pos = end
    out.append(plain(text[pos:hi]))
    body = " ".join("".join(out).split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def render_html(results: Sequence[Result], lang: str = "nl", reveal: bool = False,
                messages: Sequence[Message | None] | None = None) -> str:
    """The text report's content for several results as one self-contained HTML page (no external
    resources); with the scanned `messages` each finding is shown in its context, masked."""
    w = _w(lang)
    e = html.escape
    colours = {"block": "#b00020", "warn": "#8a5300", "pass": "#2e7d32", "info": "#455a64"}
    body: list[str] = []
    for number, original in enumerate(results):
        result = original.for_output(reveal)
        message = messages[number] if messages and number < len(messages) else None
        verdict = result.verdict
        body.append(f'<section><h2>{e(result.input)}</h2>'
                    f'<p class="verdict" style="color:{colours[verdict]}"><strong>{e(w["verdict"])}: '
                    f'{e(w[verdict])}</strong></p><dl>')
        if result.sender and result.sender.get("address"):
            org = result.sender.get("organisation")
            body.append(f"<dt>{e(w['from'])}</dt><dd>{e(result.sender['address'])}" + (f" ({e(org)})" if org else "")
                        + "</dd>")
        if result.recipients:
            body.append(f"<dt>{e(w['to'])}</dt><dd>{e(_recipient_line(result, lang))}</dd>")
        if result.motivation:
            body.append(f"<dt>{e(w['motivation'])}</dt><dd>{e(result.motivation)}</dd>")
        body.append("</dl>")
        for rule, violations in _grouped(result.violations):
            for v in violations:
                about = []
                if v.attachment:
                    about.append(f"{w['attachment']} {v.attachment}")
                if v.recipients:
                    about.append(f"{w['recipients']}: {', '.join(v.recipients)}")
                body.append(f'<article class="{e(v.severity)}"><h3><span class="tag" style="background:'
                            f'{colours[v.severity]}">{e(w["tag_" + v.severity])}</span> {e(rule_title(rule, lang))}'
                            f"</h3>" + (f"<p class=\"about\">{e('; '.join(about))}</p>" if about else "")
                            + f"<p>{e(v.message)}</p>")
                if v.fix:
                    body.append(f"<p><strong>{e(w['todo'])}:</strong> {e(v.fix)}</p>")
                body.append("</article>")
            proposals = _proposals(result, rule, lang)
            if proposals:
                body.append(f"<p class=\"proposal\"><strong>{e(w['suggestions'])}:</strong> "
                            f"{e('; '.join(proposals))}.</p>")
            body.append(f"<p class=\"source\">{e(w['source'])}: {e(_source(violations[0].source, lang))}</p>")
        groups = _finding_groups(result.findings, lang, reveal)
        if groups:
            body.append(f"<h3>{e(w['findings'])}" + ("" if reveal else f" ({e(w['masked'])})") + "</h3>"
                        f"<table><thead><tr><th>{e(w['kind'])}</th><th>{e(w['value'])}</th><th>{e(w['where'])}</th>"
                        f"<th>{e(w['context'])}</th></tr></thead><tbody>")
            for kind, shown, place, times, first in groups:
                context = finding_context(message, first, original.findings, reveal) if message else ""
                body.append(f"<tr><td>{e(kind)}</td><td>{e(shown)}</td><td>{e(place)}"
                            + (f" ({e(times)})" if times else "") + f"</td><td class=\"ctx\">{context}</td></tr>")
            body.append("</tbody></table>")
        else:
            body.append(f"<p>{e(_nothing_found(original, w))}</p>")
        if result.errors:
            body.append(f"<p>{e(w['errors'])}: {e('; '.join(result.errors))}</p>")
        body.append(f"<p class=\"advice\"><strong>{e(advice(result, lang))}</strong></p></section>")
    style = ("body{font-family:system-ui,sans-serif;max-width:62em;margin:2em auto;padding:0 1em;line-height:1.45;"
             "color:#1a1a1a}section{border-top:3px solid #ccc;padding-top:1em;margin-top:2em}"
             "article{border-left:4px solid #ccc;padding-left:.8em;margin:1em 0}article.block{border-color:#b00020}"
             "article.warn{border-color:#8a5300}.tag{color:#fff;padding:0 .4em;border-radius:3px;font-size:.85em}"
             "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em;vertical-align:top;"
             "text-align:left}mark{background:#ffe08a;font-weight:bold}.m{background:#eee}.source{color:#555}"
             "dt{font-weight:bold;float:left;clear:left;width:7em}dd{margin-left:7em}"
             ".advice{font-size:1.1em;background:#f3f6fa;padding:.6em}")
    return (f'<!doctype html><html lang="{e(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(w['title'])} — {e(w['report'])}</title><style>{style}</style></head><body>"
            f"<h1>{e(w['title'])}</h1>{''.join(body)}</body></html>")


def _nothing_found(result: Result, w: dict[str, str]) -> str:
    """'No personal data found', unless part of the input could not be read: then never the bare claim."""
    if any(v.rule == "UNSCANNABLE_ATTACHMENT" for v in result.violations):
        return w["none_unread"]
    return w["none"]
