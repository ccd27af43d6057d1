"""The audit's reports, all rebuilt from the state file alone: JSON Lines, CSV and one self-contained HTML page.

The HTML page holds aggregates (counts per verdict, rule, organisation and month, each as a chart
drawn by matplotlib into inline SVG and as a table of the same numbers) and a capped table of the
messages to review first, so it opens quickly for an archive of a few hundred thousand mails.
Without `--reveal` it shows masked input names, organisations instead of addresses, and no
subject, name or value.
"""

from __future__ import annotations

import csv
import heapq
import html
import io
import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from scanner.audit.state import AuditState, Row, org_label

SEVERITY_RANK = {"block": 2, "warn": 1, "pass": 0, "info": 0}
COLOURS = {"block": "#b00020", "warn": "#8a5000", "pass": "#2e7d32", "info": "#455a64"}
CHART_BARS = 15  # categories per chart; the rest are summed as "other"
CSV_COLUMNS = ["input", "message_id_hash", "verdict", "rules", "sender_org", "recipient_orgs", "month"]

LABELS = Path(__file__).resolve().parents[1] / "data" / "audit_labels.toml"


@cache
def words(lang: str) -> dict[str, str]:
    """The report's own words in `lang` (Dutch unless English), from scanner/data/audit_labels.toml."""
    with LABELS.open("rb") as fh:
        return tomllib.load(fh)["en" if lang == "en" else "nl"]


# -- JSON Lines and CSV ------------------------------------------------------


def write_jsonl(state: AuditState, path: Path) -> None:
    """One JSON object per message, as `scan --format json` prints it, in source order."""
    with path.open("w", encoding="utf-8") as fh:
        for row in state.rows():
            fh.write(json.dumps(row.json, ensure_ascii=False) + "\n")


def write_csv(state: AuditState, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for row in state.rows():
            writer.writerow([row.json.get("input"), row.msgid_hash or "", row.verdict, " ".join(row.rules),
                             row.sender_org or "", "; ".join(row.recipient_orgs), row.month or ""])


# -- aggregates ----------------------------------------------------------------


@dataclass
class Summary:
    messages: int = 0
    duplicates: int = 0
    unchecked: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    by_rule: dict[str, Counter[str]] = field(default_factory=dict)  # rule -> severity -> count
    by_recipient: Counter[str] = field(default_factory=Counter)
    by_sender: Counter[str] = field(default_factory=Counter)
    by_month: Counter[str] = field(default_factory=Counter)
    flagged: int = 0  # messages with a warn or block
    review: list[dict[str, Any]] = field(default_factory=list)


def violations_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The violations that count in the charts: those that raise the verdict (info does not)."""
    return [v for v in result.get("violations") or [] if v.get("severity") in ("block", "warn")]


def summarise(state: AuditState, *, rows_cap: int = 500, reveal: bool = False) -> Summary:
    """One streamed pass over the results: counts for the charts, the top `rows_cap` messages to review."""
    summary = Summary(duplicates=state.duplicates())
    heap: list[tuple[tuple, int, Row]] = []
    for row in state.rows():
        summary.messages += 1
        summary.verdicts[row.verdict] += 1
        summary.unchecked += row.error
        counted = violations_of(row.json)
        _count(summary, row, counted)
        if not counted:
            continue
        summary.flagged += 1
        item = (_priority(row, counted), -row.seq, row)
        if len(heap) < rows_cap:
            heapq.heappush(heap, item)
        elif item[:2] > heap[0][:2]:
            heapq.heapreplace(heap, item)
    ranked = [row for _, _, row in sorted(heap, key=lambda t: t[:2], reverse=True)]
    summary.review = [_review_entry(row, reveal) for row in ranked]
    return summary


def _count(summary: Summary, row: Row, counted: list[dict[str, Any]]) -> None:
    result = row.json
    org_of = {r.get("address", "").lower(): org_label(r) for r in result.get("recipients") or []}
    sender = row.sender_org or "onbekend"
    for violation in counted:
        summary.by_rule.setdefault(violation["rule"], Counter())[violation["severity"]] += 1
        named = {org_of.get(a.lower(), "onbekend") for a in violation.get("recipients") or []}
        for org in named or set(row.recipient_orgs) or {"onbekend"}:
            summary.by_recipient[org] += 1
        summary.by_sender[sender] += 1
        summary.by_month[row.month or "onbekend"] += 1


def _priority(row: Row, counted: list[dict[str, Any]]) -> tuple:
    """Block before warn; then more blocking rules, then special or criminal data, then more findings."""
    findings = row.json.get("findings") or []
    special = sum(1 for f in findings if f.get("category") in ("bijzonder", "strafrechtelijk"))
    blocks = sum(1 for v in counted if v["severity"] == "block")
    return (SEVERITY_RANK[row.verdict], blocks, special, len(findings))


def _review_entry(row: Row, reveal: bool) -> dict[str, Any]:
    result = row.json
    name = result.get("input") or ""
    masked = _masker(result, reveal)
    if not reveal:
        from scanner.privacy import mask_file_name

        name = mask_file_name(name)
    return {
        "seq": row.seq, "input": name, "msgid_hash": row.msgid_hash, "verdict": row.verdict, "month": row.month,
        "sender": row.sender_org, "recipients": row.recipient_orgs,
        "violations": [{k: masked(v.get(k)) for k in ("rule", "severity", "message", "fix")}
                       for v in result.get("violations") or []],
    }


def _masker(result: dict[str, Any], reveal: bool):
    """Rule messages name the recipients ("nour.haddad@gmail.com is een privé-mailadres"): the report
    shows the masked address (n***@gmail.com) unless --reveal."""
    from scanner.model import mask

    addresses = [r.get("address") for r in result.get("recipients") or []]
    addresses.append((result.get("sender") or {}).get("address"))
    pairs = sorted({(a, mask(a, "EMAIL_ADDRESS")) for a in addresses if a and not reveal}, key=lambda p: -len(p[0]))
    pattern = re.compile("|".join(re.escape(a) for a, _ in pairs), re.IGNORECASE) if pairs else None
    lookup = {a.lower(): m for a, m in pairs}

    def masked(text: Any) -> Any:
        if pattern is None or not isinstance(text, str):
            return text
        return pattern.sub(lambda m: lookup[m.group(0).lower()], text)

    return masked


# -- HTML ----------------------------------------------------------------------


def render_html(summary: Summary, *, lang: str = "nl", source: str = "", reveal: bool = False) -> str:
    from scanner.report import rule_title

    w = words(lang)
    e = html.escape
    unknown = {"onbekend": w["unknown"]}
    parts = [f"<h1>{e(w['title'])}</h1>",
             f"<p>{e(w['source'])}: <code>{e(_shown_source(source, reveal))}</code></p>"]
    verdict_rows = [(v, w[v], summary.verdicts.get(v, 0)) for v in ("block", "warn", "pass")]
    verdict_rows += [("unchecked", w["unchecked"], summary.unchecked),
                     ("duplicates", w["duplicates"], summary.duplicates)]
    parts.append(f'<section id="totals"><h2>{e(w["totals"])}</h2><p class="messages">{e(w["messages"])}: '
                 f'<strong data-count="{summary.messages}">{summary.messages}</strong></p>'
                 + _table("verdicts", (w["verdict"], w["count"]), verdict_rows) + "</section>")

    rules = sorted(summary.by_rule, key=lambda r: (-sum(summary.by_rule[r].values()), r))
    charts = [
        ("rule", w["by_rule"], w["rule"], rules, [rule_title(r, lang) for r in rules],
         {w[s]: [summary.by_rule[r].get(s, 0) for r in rules] for s in ("block", "warn")}),
        ("recipient", w["by_recipient"], w["organisation"], *_series(summary.by_recipient, w, unknown)),
        ("sender", w["by_sender"], w["organisation"], *_series(summary.by_sender, w, unknown)),
        ("month", w["by_month"], w["month"], *_months(summary.by_month, w)),
    ]
    colours = [COLOURS["block"], COLOURS["warn"]]
    for key, title, column, keys, labels, series in charts:
        totals = [sum(values) for values in zip(*series.values(), strict=True)] if labels else []
        parts.append(f'<section class="chart" id="chart-{key}"><h2>{e(title)}</h2>')
        if labels:
            parts.append(chart_svg(labels, series, colours=colours if key == "rule" else ["#1f5f8b"],
                                   horizontal=key != "month", title=title))
        parts.append(f"<details><summary>{e(w['figures'])}</summary>"
                     + _table(key, (column, w["count"]), zip(keys, labels, totals, strict=True))
                     + "</details></section>")

    parts.append(f'<section id="review"><h2>{e(w["review"])}</h2>')
    if not reveal:
        parts.append(f"<p>{e(w['masked'])}</p>")
    if summary.review:
        if summary.flagged > len(summary.review):
            parts.append(f'<p class="capped">{e(w["capped"].format(shown=len(summary.review), total=summary.flagged))}'
                         "</p>")
        parts.append(_review_table(summary.review, w, lang))
    else:
        parts.append(f"<p>{e(w['none'])}</p>")
    parts.append("</section>")
    style = ("body{font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em;vertical-align:top;"
             "text-align:left}svg{max-width:100%;height:auto}.block{color:#b00020}.warn{color:#8a5000}"
             ".pass{color:#2e7d32}.info{color:#455a64}details ul{margin:.2em 0;padding-left:1.2em}")
    return (f'<!doctype html><html lang="{e(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(w['title'])}</title><style>{style}</style></head><body><main>{''.join(parts)}</main>"
            "</body></html>")


def render_summary(summary: Summary, *, lang: str = "nl", written: Iterable[str] = ()) -> str:
    w = words(lang)
    text = w["summary"].format(n=summary.messages, block=summary.verdicts.get("block", 0),
                               warn=summary.verdicts.get("warn", 0), pass_=summary.verdicts.get("pass", 0),
                               unchecked=summary.unchecked)
    files = list(written)
    return text + (f"\n{w['written']}: {', '.join(files)}" if files else "")


def _shown_source(source: str, reveal: bool) -> str:
    if reveal or not source:
        return source
    from scanner.privacy import mask_file_name

    return mask_file_name(source)


def _series(counts: Counter[str], w: dict[str, str], rename: dict[str, str]) -> tuple[list[str], list[str], dict]:
    """The largest CHART_BARS categories and the rest as "other": keys, shown labels, counts."""
    top = counts.most_common(CHART_BARS)
    rest = sum(counts.values()) - sum(n for _, n in top)
    keys = [k for k, _ in top] + (["other"] if rest else [])
    labels = [rename.get(k, k) for k, _ in top] + ([w["other"]] if rest else [])
    return keys, labels, {w["count"]: [n for _, n in top] + ([rest] if rest else [])}


def _months(counts: Counter[str], w: dict[str, str]) -> tuple[list[str], list[str], dict]:
    months = sorted(k for k in counts if k != "onbekend") + (["onbekend"] if "onbekend" in counts else [])
    labels = [w["unknown"] if m == "onbekend" else m for m in months]
    return months, labels, {w["count"]: [counts[m] for m in months]}


def _table(key: str, header: tuple[str, str], rows: Iterable[tuple[str, str, int]]) -> str:
    """A table of counts; each row keeps its key (rule id, organisation, month) in data-key."""
    e = html.escape
    body = "".join(f'<tr data-key="{e(str(k))}"><td>{e(str(label))}</td><td data-count="{n}">{n}</td></tr>'
                   for k, label, n in rows)
    return (f'<table class="counts" data-table="{e(key)}"><thead><tr><th>{e(header[0])}</th><th>{e(header[1])}</th>'
            f"</tr></thead><tbody>{body}</tbody></table>")


def _review_table(entries: list[dict[str, Any]], w: dict[str, str], lang: str) -> str:
    from scanner.report import rule_title

    e = html.escape
    rows = []
    for entry in entries:
        items = "".join(
            f'<li><span class="{e(v["severity"])}">{e(w.get(v["severity"], v["severity"]))}</span> '
            f"<strong>{e(rule_title(v['rule'], lang))}</strong>: {e(v.get('message') or '')}"
            + (f"<br><em>{e(w['fix'])}: {e(v['fix'])}</em>" if v.get("fix") else "") + "</li>"
            for v in entry["violations"])
        rules = " ".join(sorted({v["rule"] for v in entry["violations"] if v["severity"] in ("block", "warn")}))
        rows.append(
            f'<tr data-seq="{entry["seq"]}"><td>{entry["seq"]}</td><td><code>{e(entry["input"])}</code>'
            f'<br><small>{e(entry["msgid_hash"] or "")}</small></td><td>{e(entry["month"] or "")}</td>'
            f'<td>{e(entry["sender"] or w["unknown"])}</td><td>{e(", ".join(entry["recipients"]))}</td>'
            f'<td class="{e(entry["verdict"])}">{e(w[entry["verdict"]])}</td>'
            f"<td><details><summary>{e(rules)}</summary><ul>{items}</ul></details></td></tr>")
    head = "".join(f"<th>{e(h)}</th>" for h in ("#", w["message"], w["month"], w["sender"], w["recipients"],
                                                   w["verdict"], w["rules"]))
    return f'<table class="review"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def chart_svg(labels: list[str], series: dict[str, list[int]], *, colours: list[str], horizontal: bool,
              title: str) -> str:
    """A (stacked) bar chart as inline SVG, drawn by matplotlib; text stays text (searchable, accessible)."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "verzendcheck", "font.size": 9}):
        if horizontal:
            fig = Figure(figsize=(8, 0.8 + 0.32 * len(labels)))
        else:
            fig = Figure(figsize=(max(6.0, 0.45 * len(labels) + 2), 3.6))
        ax = fig.subplots()
        base = [0] * len(labels)
        positions = list(range(len(labels)))
        for (name, values), colour in zip(series.items(), colours * len(series), strict=False):
            if horizontal:
                ax.barh(positions, values, left=base, color=colour, label=name)
            else:
                ax.bar(positions, values, bottom=base, color=colour, label=name)
            base = [b + v for b, v in zip(base, values, strict=True)]
        if horizontal:
            ax.set_yticks(positions, labels)
            ax.invert_yaxis()
            ax.xaxis.get_major_locator().set_params(integer=True)
        else:
            ax.set_xticks(positions, labels, rotation=45, ha="right")
            ax.set_xlim(-0.6, max(len(labels), 8) - 0.4)  # a few months stay narrow bars
            ax.yaxis.get_major_locator().set_params(integer=True)
        if len(series) > 1:
            ax.legend(loc="lower right" if horizontal else "upper right")
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML declaration and doctype: the SVG sits inside HTML
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.DOTALL)  # RDF licence boilerplate
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(title)}" ', 1)
