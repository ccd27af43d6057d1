"""The hook's SMTP replies and added headers, built only from rule ids and the policy's texts.

Nothing from the mail itself (subject, attachment names, addresses, matched values) goes into a
reply: a CR/LF hidden in a subject or a file name could otherwise forge SMTP lines, and the reply
is logged by every MTA on the way. Replies are ASCII (SMTP replies are), with é written as e.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable

from scanner.model import Result, Violation
from scanner.policy import Policy
from scanner.rules.common import fill

VERDICT_HEADER = "X-Verzendcheck-Verdict"
RULES_HEADER = "X-Verzendcheck-Rules"
REPLY_WIDTH = 76  # characters of text per reply line, after "550-5.7.1 "
_SEVERITY_ORDER = {"block": 0, "warn": 1, "info": 2}
# Typographic characters that Unicode decomposition does not turn into ASCII.
_ASCII_EQUIVALENTS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                                    "\u2013": "-", "\u2014": "-", "\u2022": "*"})
_NOT_PRINTABLE = re.compile(r"[^\x20-\x7e]+")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def ascii_safe(text: str) -> str:
    """One line of printable ASCII: accents dropped (é -> e), control characters (CR, LF) to spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_EQUIVALENTS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NOT_PRINTABLE.sub(" ", text).split())


def smtp_reply(code: int, status: str, texts: Iterable[str]) -> str:
    """A (multi-line) SMTP reply: every line `CODE-STATUS text`, the last `CODE STATUS text`."""
    lines: list[str] = []
    for text in texts:
        lines += textwrap.wrap(ascii_safe(text), REPLY_WIDTH, break_long_words=True) or []
    lines = lines or [""]
    out = [f"{code}-{status} {line}".rstrip() for line in lines[:-1]]
    out.append(f"{code} {status} {lines[-1]}".rstrip())
    return "\r\n".join(out)


def reply_text(policy: Policy, key: str, lang: str) -> str:
    """One of the hook's own texts (`[hook.replies.LANG]`), falling back to Dutch."""
    for language in (lang, "nl"):
        text = policy.get("hook", "replies", language, key)
        if text:
            return text
    return key


def rule_fix(policy: Policy, rule: str, lang: str) -> str:
    """The rule's one-sentence fix from the policy, with generic words in its placeholders."""
    if not policy.has_template(rule, "fix", lang):
        return ""
    words = policy.get("hook", "placeholders", lang, default=None) or policy.get("hook", "placeholders", "nl") or {}
    text = fill(policy.template(rule, "fix", lang), dict(words))
    return _PLACEHOLDER.sub("", text)  # a placeholder the hook has no word for is left out, never filled from mail


def refusal_lines(result: Result, policy: Policy, lang: str, *, severities: tuple[str, ...]) -> list[str]:
    """`RULE_ID: fix` for each rule (once) of the given severities, most severe first."""
    limit = int(policy.get("hook", "max_reply_rules", default=6))
    seen: dict[str, Violation] = {}
    for v in sorted(result.violations, key=lambda v: _SEVERITY_ORDER.get(v.severity, 3)):
        if v.severity in severities and v.rule not in seen:
            seen[v.rule] = v
    lines = []
    for rule in list(seen)[:limit]:
        fix = rule_fix(policy, rule, lang)
        lines.append(f"{rule}: {fix}" if fix else rule)
    return lines


def block_reply(result: Result, policy: Policy, lang: str) -> str:
    """550 5.7.1 for a blocked mail: why (rule ids) and how to fix it."""
    lines = refusal_lines(result, policy, lang, severities=("block", "warn"))
    return smtp_reply(550, "5.7.1", [reply_text(policy, "block", lang), *lines, reply_text(policy, "resend", lang)])


def warn_reply(result: Result, policy: Policy, lang: str) -> str:
    """550 5.7.1 for a warned mail without a motivation: what to weigh, and the `Motivering:` line."""
    lines = refusal_lines(result, policy, lang, severities=("warn",))
    return smtp_reply(550, "5.7.1", [reply_text(policy, "warn", lang), *lines, reply_text(policy, "motivation", lang)])


def rule_ids(result: Result) -> list[str]:
    """The ids of the rules that fired, once each, most severe first."""
    ordered = sorted(result.violations, key=lambda v: _SEVERITY_ORDER.get(v.severity, 3))
    return list(dict.fromkeys(v.rule for v in ordered))


def verdict_headers(verdict: str, rules: list[str]) -> bytes:
    """The two header lines the hook puts on top of a relayed message."""
    return f"{VERDICT_HEADER}: {verdict}\r\n{RULES_HEADER}: {', '.join(rules) or 'none'}\r\n".encode("ascii")


def with_verdict_headers(data: bytes, verdict: str, rules: list[str]) -> bytes:
    """The original bytes with our headers prepended; copies of our headers the sender put in are dropped,
    so a mail cannot arrive looking checked when it was not. Nothing else is re-encoded or re-wrapped."""
    return verdict_headers(verdict, rules) + _drop_own_headers(data)


_OWN_HEADER = re.compile(rb"(?i)(x-verzendcheck-verdict|x-verzendcheck-rules)[ \t]*:")


def _drop_own_headers(data: bytes) -> bytes:
    """Remove X-Verzendcheck-* fields (with their folded lines) from the header block only."""
    end = header_end(data)
    head = data[:end]
    if not _OWN_HEADER.search(head):
        return data
    kept: list[bytes] = []
    dropping = False
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t"):  # a folded continuation of the previous field
            if not dropping:
                kept.append(line)
            continue
        dropping = bool(_OWN_HEADER.match(line))
        if not dropping:
            kept.append(line)
    return b"".join(kept) + data[end:]


def header_end(data: bytes) -> int:
    """Offset of the blank line that ends the header block (the whole message if there is none)."""
    match = re.search(rb"(\r?\n)\r?\n", data)
    return match.end(1) if match else len(data)
