"""How it travels: BANNED_CHANNEL, INSECURE_TRANSPORT and UNSCANNABLE_ATTACHMENT."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import ParseResult, parse_qs, unquote, urlparse

from scanner.documents import fold, fold_text, load_toml
from scanner.model import Suggestion
from scanner.policy import CHAIN_CATEGORIES, Channel, Policy
from scanner.prefilter import Alternation, Prefilter
from scanner.rules.bulk import is_bulk
from scanner.rules.common import Hit, anchored, fill, find_terms, join_words, negated
from scanner.rules.context import RuleContext
from scanner.rules.special import kinds_of_special

# With its literal prefilter (scanner.prefilter): a text without "http", "www." or a short-link
# host is not searched.
_URL = Alternation([r"(?:https?://|www\.)[^\s<>\"')\]]+|\b(?:we\.tl|1drv\.ms|db\.tt|wa\.me)/[^\s<>\"')\]]+"],
                   re.IGNORECASE)


@lru_cache(maxsize=4)
def _channel_phrases(policy: Policy) -> tuple[Prefilter, tuple[tuple[Channel, re.Pattern[str]], ...]]:
    """Every channel phrase of the policy, in order, with one literal prefilter over them all: most
    mails name no channel, and one pass of needle tests shows which phrases may match."""
    phrases = tuple((channel, phrase) for channel in policy.channels for phrase in channel.phrases)
    return Prefilter([phrase for _, phrase in phrases]), phrases


def _parse(url: str) -> ParseResult | None:
    """urlparse, or None for a malformed URL (a stray "[" makes it raise)."""
    try:
        return urlparse(url if "://" in url else "http://" + url)
    except ValueError:
        return None


def _unwrap(url: str, params: tuple[str, ...]) -> str:
    """The real target of a safe-link redirect (Outlook safelinks, URL defence …)."""
    for _ in range(3):
        parsed = _parse(url)
        query = parse_qs(parsed.query) if parsed else {}
        inner = next((query[p][0] for p in params if p in query and "." in query[p][0]), None)
        if not inner:
            return url
        url = unquote(inner)
    return url


def _host(url: str) -> str:
    parsed = _parse(url)
    try:
        if parsed is not None:
            return (parsed.hostname or "").lower()
    except ValueError:
        pass
    # Malformed: take what stands between the scheme and the first "/", "?", "#" or ":".
    rest = url.split("://", 1)[-1]
    return re.split(r"[/?#:\[\]@]", rest, maxsplit=1)[0].lower()


def _channel_for(url: str, channels: tuple[Channel, ...]) -> Channel | None:
    host = _host(url)
    for channel in channels:
        if any(host == h or host.endswith("." + h) for h in channel.hosts):
            return channel
        if any(p.search(url) for p in channel.url_patterns):
            return channel
    return None


def banned_channel(ctx: RuleContext) -> list[Hit]:
    """Links to or instructions for WeTransfer, Dropbox, OneDrive (block), Zoom, WhatsApp (warn)."""
    rule = "BANNED_CHANNEL"
    policy = ctx.policy
    settings = policy.get("channel_settings")
    params = tuple(settings["unwrap_params"])
    found: dict[str, tuple[Channel, bool]] = {}  # channel key -> (channel, only in signature)

    def note(channel: Channel, in_signature: bool) -> None:
        previous = found.get(channel.key)
        found[channel.key] = (channel, in_signature and (previous is None or previous[1]))

    bodies = [(i, p) for i, p in ctx.indexed_parts(attachments=False) if not ctx.is_public(i)]
    urls: list[str] = list(ctx.message.links)
    body_urls = ctx.once(_body_urls)
    for index, _ in bodies:
        urls += body_urls[index]
    for _, part in ctx.indexed_parts(bodies=False):
        if part.kind == "calendar":  # an invitation's join link (an Outlook invite is an inline text/calendar)
            urls += [m.group(0) for m in _URL.finditer(part.text)]
    for url in dict.fromkeys(urls):
        channel = _channel_for(_unwrap(url, params), policy.channels)
        if channel is None:
            continue
        in_signature = False
        for index, part in bodies:
            position = part.text.find(url)
            if position >= 0:
                start = ctx.signature_start(index)
                in_signature = start is not None and position >= start
                break
        note(channel, in_signature)
    prefilter, phrases = _channel_phrases(policy)
    for index, part in bodies:
        text = fold_text(part.text)
        for i in prefilter.live(text):  # in the order of the channels and their phrases
            channel, phrase = phrases[i]
            for m in phrase.finditer(text):
                if negated(part.text, m.start(), tuple(settings["negations"])):
                    continue
                # The signature is looked for only in a body that names a channel (few do).
                start = ctx.signature_start(index)
                note(channel, start is not None and m.start() >= start)
    hits = []
    recipients = [r.address for r in ctx.targets]
    for channel, in_signature in found.values():
        if in_signature and channel.severity != "block":
            variant, severity = "signature", policy.severity(rule, "signature")
        else:
            variant, severity = channel.severity, channel.severity
        alternatives = settings["alternatives_block" if channel.severity == "block" else "alternatives_warn"]
        conj = "or" if ctx.lang == "en" else "of"
        kanaal = join_words(alternatives, ctx.lang).replace(" en ", f" {conj} ").replace(" and ", f" {conj} ")
        hits.append(Hit(rule, severity, variant, recipients, fields={"dienst": channel.service, "kanaal": kanaal},
                        suggestions=[Suggestion("use_channel", {"channel": list(alternatives),
                                                                "instead_of": channel.service})],
                        per_recipient=False))
    return hits


def _body_urls(ctx: RuleContext) -> dict[int, list[str]]:
    """The links written in each body (by part index): BANNED_CHANNEL and `encrypted` both read
    them, and the bodies are searched once."""
    return {index: [m.group(0) for m in _URL.finditer(part.text)]
            for index, part in ctx.indexed_parts(attachments=False)}


def encrypted(ctx: RuleContext) -> bool:
    """Encrypted, or through the secure gateway or the Bestandenpostbus (rules.md §0)."""
    message = ctx.message
    if message.encrypted:
        return True
    if any(_PGP_BLOCK.search(p.text) for _, p in ctx.indexed_parts(attachments=False)):
        return True
    secure = ctx.policy.get("secure_mail")
    subject = message.subject or ""
    if any(tag.lower() in subject.lower() for tag in secure["subject_tags"]):
        return True
    for header, value in secure["headers"].items():
        got = message.headers.get(header.lower())
        if got is not None and (not value or value.lower() in got.lower()):
            return True
    hosts = tuple(h.lower() for h in secure["bestandenpostbus_hosts"])
    urls = list(message.links) + [url for urls in ctx.once(_body_urls).values() for url in urls]
    return any(_host(u) == h or _host(u).endswith("." + h) for u in urls for h in hosts)


def _vulnerable(ctx: RuleContext) -> bool:
    """A person anchor together with a vulnerability marker (lexicon.md §11)."""
    negations = set(load_toml("rules.toml")["wording"]["negations"])
    for index, part in ctx.indexed_parts():
        if ctx.is_public(index):
            continue
        for page_no, page in enumerate(part.pages or [""], 1):
            for m in find_terms("vulnerable.txt", page):
                before = fold(page[max(0, m.start() - 12):m.start()]).split()
                if before and before[-1] in negations:
                    continue
                if anchored(ctx, index, page_no if part.paged else None, page, m.start(), m.end()):
                    return True
    return False


def _large(ctx: RuleContext) -> bool:
    parts = {f.part_index for f in ctx.personal if ctx.documents[f.part_index].part == "attachment"}
    if len(parts) >= ctx.policy.threshold("insecure_files"):
        return True
    size = sum(ctx.message.parts[i].size for i in parts)
    return size >= ctx.policy.threshold("insecure_bytes")


def insecure_transport(ctx: RuleContext) -> list[Hit]:
    """Sensitive content unencrypted to a recipient outside the chain (H question 3)."""
    rule = "INSECURE_TRANSPORT"
    outside = [r for r in ctx.outside if ctx.match(r).category not in CHAIN_CATEGORIES]
    if not outside or not ctx.has_subject:  # an anonymised case is nobody's data
        return []
    policy = ctx.policy
    special = bool(ctx.special)
    vulnerable = _vulnerable(ctx)
    bulk = is_bulk(ctx) or _large(ctx)
    hits = []
    for r in outside:
        reasons = []
        if special:
            reasons.append(kinds_of_special(ctx, ctx.special))
        if vulnerable and ctx.match(r).category != "nidos":
            reasons.append(policy.template(rule, "reden_vulnerable", ctx.lang))
        if bulk:
            reasons.append(policy.template(rule, "reden_bulk", ctx.lang))
        if reasons:
            hits.append(Hit(rule, policy.severity(rule), "default", [r.address],
                            fields={"reden": join_words(reasons, ctx.lang)},
                            suggestions=[Suggestion("use_channel", {"channel": ["versleutelde e-mail",
                                                                                "Bestandenpostbus"],
                                                                    "recipients": [r.address]})]))
    # Whether the mail is encrypted (its bodies searched for PGP blocks and secure links) is asked
    # only when there is a reason to report: most mails to outside recipients have none.
    if hits and encrypted(ctx):
        return []
    return hits


_PGP_BLOCK = re.compile(r"-----BEGIN PGP MESSAGE-----.*?(?:-----END PGP MESSAGE-----|\Z)", re.DOTALL)
_REASONS = (
    # A message a worker or the command line's child process gave up on (scanner.tasks.unchecked_reason).
    ("stopped", r"kon niet binnen \d+ seconden"),
    ("crashed", r"werkproces stopte|interne fout|geen werkproces"),
    ("encrypted", r"encrypt|password|wachtwoord|versleutel|protected|beveiligd"),
    ("too_large", r"too\s+large|size|limit|te\s+groot|timeout|time\s*limit|bomb|ratio"),
    ("no_text", r"no\s+text|image[-\s]only|ocr|scan|zonder\s+tekst"),
    ("unsupported", r"unsupported|unknown\s+(?:file\s+)?type|onbekend|not\s+supported"),
    ("corrupt", r"corrupt|damaged|truncat|parse|invalid|broken|beschadigd|malformed|error"),
)


def unscannable_reason(error: str) -> str:
    for key, regex in _REASONS:
        if re.search(regex, error, re.IGNORECASE):
            return key
    return "other"


def _unread_reasons(ctx: RuleContext, part) -> list[tuple[str, str]]:
    """(reason key, Dutch or English reason) for what of a part was not read: the part itself (an error
    or a truncation), and its scanned pages or images that OCR could not read, grouped by reason."""
    rule, lang = "UNSCANNABLE_ATTACHMENT", ctx.lang
    out: list[tuple[str, str]] = []
    if part.error or part.meta.get("truncated"):
        # A truncated document (or body) was read or analysed only up to the page, size or time limit.
        reason = part.meta.get("reason") or (unscannable_reason(part.error) if part.error else "partial")
        out.append((reason, ctx.policy.template(rule, f"reden_{reason}", lang)))
    by_reason: dict[str, list[int]] = {}
    for page, reason in (part.meta.get("ocr_unread") or {}).items():
        by_reason.setdefault(reason, []).append(int(page))
    for reason, pages in by_reason.items():
        if part.paged:
            where = ctx.policy.template(rule, "waar_pages" if len(pages) > 1 else "waar_page", lang)
            where = fill(where, {"pagina": join_words([str(p) for p in sorted(pages)], lang)})
        else:
            where = ctx.policy.template(rule, "waar_image", lang)
        out.append((reason, fill(ctx.policy.template(rule, f"reden_{reason}", lang), {"waar": where})))
    return out


def unscannable_attachment(ctx: RuleContext) -> list[Hit]:
    """Attachments the scanner could not read: it cannot vouch for them."""
    rule = "UNSCANNABLE_ATTACHMENT"
    policy = ctx.policy
    recipients = [r.address for r in ctx.targets]
    all_chain = bool(ctx.targets) and all(ctx.match(r).category in CHAIN_CATEGORIES for r in ctx.targets)
    hits = []
    for _, part in ctx.indexed_parts():
        key = "message" if part.part == "body" else "default"  # "Het bericht kon niet …"
        for reden in _unread_reasons(ctx, part):
            reason, text = reden
            variant = "encrypted_chain" if reason == "encrypted" and all_chain else None
            hits.append(Hit(rule, policy.severity(rule, variant), key, recipients, attachment=part.name,
                            fields={"bijlage": part.name or policy.common("the_message", ctx.lang), "reden": text},
                            per_recipient=False))
    message = ctx.message
    if not message.encrypted or hits:  # most mails: their text is not searched for PGP blocks
        return hits
    # Text an inline PGP block hides is as unreadable as an S/MIME envelope.
    readable = any(_PGP_BLOCK.sub("", p.text).strip() for p in message.parts if p.part != "subject")
    armoured = any(_PGP_BLOCK.search(p.text) for _, p in ctx.indexed_parts(attachments=False))
    if armoured or not readable:
        hits.append(Hit(rule, policy.severity(rule), "message", recipients,
                        fields={"bijlage": policy.common("the_message", ctx.lang),
                                "reden": policy.template(rule, "reden_encrypted", ctx.lang)},
                        per_recipient=False))
    return hits

