"""The policy: directory, partner matrix, channels, thresholds, severities and messages."""

from __future__ import annotations

import re
import threading
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from scanner.model import Recipient

DEFAULT_POLICY_PATH = Path(__file__).parent / "data" / "policy.toml"

RULE_IDS: tuple[str, ...] = (
    "NO_LEGAL_BASIS",
    "CONSENT_REQUIRED",
    "SPECIAL_OUTSIDE_CHAIN",
    "CC_OVERREACH",
    "BANNED_CHANNEL",
    "INSECURE_TRANSPORT",
    "FULL_BESCHIKKING",
    "SOURCE_NOT_OWNER",
    "BULK_PERSONAL_DATA",
    "INTERNAL_CORRESPONDENCE",
    "THIRD_PARTY_DATA",
    "PHOTO_ATTACHMENT",
    "FULL_DOSSIER",
    "PERSONAL_MAILBOX",
    "UNSCANNABLE_ATTACHMENT",
    "LAWYER_UNVERIFIED",
    "USE_CHAIN_SYSTEM",
    "VERTREKSTRATEGIE_TO_NGO",
    "ASYLUM_MOTIVE_IN_CHAIN",
    "CASE_NOT_ANONYMISED",
    "PURPOSE_NOT_STATED",
    "SUBJECTIVE_REMARK",
)
CATEGORIES: tuple[str, ...] = (
    "kleine_keten",
    "ketenpartner",
    "gemeente",
    "nidos",
    "advocaat",
    "ngo",
    "overheid",
    "webmail",
    "onbekend",
)
SEVERITIES: tuple[str, ...] = ("info", "warn", "block")
LANGUAGES: tuple[str, ...] = ("nl", "en")
# The chain of rules.md §0: kleine keten plus ketenpartners (the Haagse Ring).
CHAIN_CATEGORIES = frozenset({"kleine_keten", "ketenpartner"})

_HOMOGLYPHS = str.maketrans({"0": "o", "1": "l", "3": "e", "5": "s", "_": ".", "-": "."})


class PolicyError(Exception):
    """A policy file that cannot be used: broken TOML or a bad value, with file and line."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        self.reason = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        where = self.path or "policy"
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Organisation:
    """One directory entry (organisations.md §4)."""

    key: str
    name: str
    category: str
    article: str = ""
    article_en: str = ""
    sentence_name: str | None = None
    matrix_rows: tuple[str, ...] = ()
    zorg: bool = False
    criminal_partner: bool = False
    lso_member: bool = False
    privacy_office: str | None = None
    infosec: str | None = None
    chain_system: str | None = None


@dataclass(frozen=True)
class Match:
    """What the policy knows about one address."""

    address: str
    domain: str
    category: str
    organisation: Organisation | None = None
    name: str | None = None  # display name, e.g. "Gemeente Venlo"
    sentence_name: str | None = None  # inside a sentence, e.g. "gemeente Venlo"
    identity: str = ""  # equal identities = same organisation
    lookalike_of: str | None = None

    @property
    def key(self) -> str | None:
        return self.organisation.key if self.organisation else None


@dataclass(frozen=True)
class Channel:
    """A banned or discouraged channel (H question 3)."""

    key: str
    service: str
    severity: str
    hosts: tuple[str, ...] = ()
    url_patterns: tuple[re.Pattern[str], ...] = ()
    phrases: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True, eq=False)
class Policy:
    """An immutable, thread-safe view of one merged policy."""

    data: Mapping[str, Any]
    origin: tuple[str, ...]
    organisations: Mapping[str, Organisation]
    municipalities: Mapping[str, str]  # domain -> municipality name
    channels: tuple[Channel, ...] = field(default_factory=tuple)
    municipality_slugs: Mapping[str, str] = field(default_factory=dict)  # "denhaag" -> "Den Haag"

    # -- directory -------------------------------------------------------

    def resolve(self, address: str) -> tuple[str | None, str]:
        """Organisation name and category (CONTRACT §7) of an e-mail address."""
        m = self.match(address)
        return m.name, m.category

    def match(self, address: str) -> Match:
        """Everything the directory says about an address (domain and subdomains).

        Remembered per address (a Match is immutable): the same correspondents come back in mail
        after mail, and an unknown domain costs an edit distance to every directory domain.
        """
        addr = (address or "").strip().strip("<>").lower()
        cache = self._matches
        found = cache.get(addr)
        if found is None:
            if len(cache) > 10_000:  # a long-running server sees ever new addresses
                cache.clear()
            found = cache[addr] = self._match(addr)
        return found

    @cached_property
    def _matches(self) -> dict[str, Match]:
        return {}

    def _match(self, addr: str) -> Match:
        domain = addr.rpartition("@")[2].strip(".") if "@" in addr else addr
        domains = self.data["domains"]
        labels = domain.split(".")
        for i in range(len(labels) - 1):
            suffix = ".".join(labels[i:])
            if suffix in domains:
                return self._org_match(addr, domain, self.organisations[domains[suffix]])
        if domain in self._webmail:
            return Match(addr, domain, "webmail", identity=addr)
        for i in range(len(labels) - 1):
            suffix = ".".join(labels[i:])
            if suffix in self.municipalities:
                return self._gemeente(addr, domain, self.municipalities[suffix])
        registrable = labels[-2] if len(labels) >= 2 else domain
        for prefix, key in self.data["domain_prefixes"].items():
            if registrable.startswith(prefix):
                return self._org_match(addr, domain, self.organisations[key])
        gem = self.data["gemeenten"]
        if any(word in domain for word in gem["contains"]):
            rest = registrable
            for word in gem["contains"]:
                rest = rest.replace(word, "")
            rest = rest.strip("-.")
            name = self.municipality_slugs.get(rest.replace("-", ""))
            return self._gemeente(addr, domain, name)
        adv = self.data["advocatuur"]
        if any(word in domain for word in adv["contains"]):
            org = self.organisations[adv["organisation"]]
            return Match(addr, domain, org.category, org, org.name, org.sentence_name, identity=domain)
        return Match(addr, domain, "onbekend", identity=domain, lookalike_of=self._lookalike(domain))

    def _org_match(self, addr: str, domain: str, org: Organisation) -> Match:
        return Match(addr, domain, org.category, org, org.name, org.sentence_name or org.name, identity=org.key)

    def _gemeente(self, addr: str, domain: str, municipality: str | None) -> Match:
        org = self.organisations[self.data["gemeenten"]["organisation"]]
        if municipality:
            name = f"{org.name} {municipality}"
            sentence = f"{org.sentence_name or org.name} {municipality}"
            identity = f"{org.key}:{_slug(municipality)}"
        else:
            name, sentence, identity = org.name, org.sentence_name or org.name, f"{org.key}:{domain}"
        return Match(addr, domain, org.category, org, name, sentence, identity=identity)

    def _lookalike(self, domain: str) -> str | None:
        distance = int(self.threshold("lookalike_distance"))
        norm = domain.translate(_HOMOGLYPHS).replace("rn", "m").replace("vv", "w")
        for target in self.data["lookalike"]["targets"]:
            t = target.lower()
            if domain == t or domain.endswith("." + t):
                continue
            nt = t.translate(_HOMOGLYPHS)
            if norm == nt or norm.startswith(nt + ".") or norm.endswith("." + nt + ".nl"):
                return t
            if len(t.split(".")[0]) >= 4 and _levenshtein(domain, t) <= distance:
                return t
        return None

    def organisation(self, key_or_name: str | None) -> Organisation | None:
        """The directory entry for a key ("DTV") or name ("DT&V"), case-insensitive."""
        if not key_or_name:
            return None
        want = key_or_name.strip().upper()
        for org in self.organisations.values():
            if org.key.upper() == want or org.name.upper() == want:
                return org
        return None

    def sender_match(self, address: str | None, org: str | None = None) -> Match:
        """The sender's organisation: an explicit `org` ("IND", "DTV", "COA") wins over the From domain."""
        override = self.organisation(org)
        addr = (address or "").strip().lower()
        if override is not None:
            domain = addr.rpartition("@")[2]
            return self._org_match(addr, domain, override)
        if not addr:
            return Match("", "", "onbekend", identity="")
        return self.match(addr)

    def sender(self, address: str | None, org: str | None = None) -> Recipient:
        """The sender as a Recipient (field "from"), organisation from `org` or the From domain."""
        m = self.sender_match(address, org)
        return Recipient(address=(address or "").strip().lower(), field="from", organisation=m.name,
                         category=m.category)

    def is_partner(self, sender: Organisation | None, recipient: Match) -> bool:
        """Whether the partner matrix ticks the recipient's rows for the sender's organisation."""
        if sender is None or recipient.organisation is None:
            return False
        if recipient.organisation.key == sender.key:
            return True
        matrix = self.data["matrix"]
        return any(sender.name in matrix.get(row, ()) for row in recipient.organisation.matrix_rows)

    # -- phrases ---------------------------------------------------------

    def org_phrase(self, match: Match | Organisation | None, lang: str = "nl", fallback: str | None = None) -> str:
        """"de IND", "het COA", "de gemeente Venlo", "Nidos"; the domain or fallback when unknown."""
        if isinstance(match, Organisation):
            org, sentence = match, match.sentence_name or match.name
        elif match is not None and match.organisation is not None:
            org, sentence = match.organisation, match.sentence_name or match.organisation.name
        else:
            if fallback is not None:
                return fallback
            return match.domain if match is not None else self.common("unknown_org", lang)
        article = org.article_en if lang == "en" else org.article
        return f"{article} {sentence}".strip()

    # -- rules -----------------------------------------------------------

    def severity(self, rule: str, variant: str | None = None) -> str:
        """Default severity of a rule, or of one of its named variants."""
        if variant:
            variants = self.data["severity_variants"].get(rule, {})
            if variant in variants:
                return variants[variant]
        return self.data["severities"][rule]

    def template(self, rule: str, key: str, lang: str = "nl") -> str:
        """A message template (falls back to Dutch, then to the default variant)."""
        for language in (lang, "nl"):
            table = self.data["messages"].get(language, {}).get(rule, {})
            if key in table:
                return table[key]
        for language in (lang, "nl"):
            table = self.data["messages"].get(language, {}).get(rule, {})
            if "default" in table:
                return table["default"]
        return ""

    def has_template(self, rule: str, key: str, lang: str = "nl") -> bool:
        return key in self.data["messages"].get(lang, {}).get(rule, {})

    def common(self, key: str, lang: str = "nl") -> str:
        for language in (lang, "nl"):
            table = self.data["messages"].get(language, {}).get("common", {})
            if key in table:
                return table[key]
        return key

    def source(self, rule: str) -> str:
        return self.data["sources"][rule]["json"]

    def threshold(self, name: str) -> float:
        return self.data["thresholds"][name]

    def is_functional_mailbox(self, address: str) -> bool:
        """An office's mailbox ("info@coa.nl", a privacy office): not the address of a data subject."""
        addr = address.strip().lower()
        offices = {(o.privacy_office or "").lower() for o in self.organisations.values()}
        offices |= {(o.infosec or "").lower() for o in self.organisations.values()}
        if addr in offices:
            return True
        first = re.split(r"[._+]", addr.partition("@")[0])[0]
        words = {w.lower() for w in self.get("mailboxes", "functional_words", default=())}
        return first in words and self.match(addr).organisation is not None

    def privacy_office(self, sender: Organisation | None) -> str:
        return _first_contact(sender, "privacy_office", self.organisations)

    def infosec(self, sender: Organisation | None) -> str:
        return _first_contact(sender, "infosec", self.organisations)

    def get(self, *keys: str, default: Any = None) -> Any:
        """A raw value by path: policy.get("mailboxes", "list_words")."""
        node: Any = self.data
        for key in keys:
            if not isinstance(node, Mapping) or key not in node:
                return default
            node = node[key]
        return node

    @property
    def _webmail(self) -> frozenset[str]:
        return frozenset(x.lower() for x in self.data["webmail"]["domains"])


def _first_contact(sender: Organisation | None, attr: str, organisations: Mapping[str, Organisation]) -> str:
    if sender is not None and getattr(sender, attr):
        return getattr(sender, attr)
    found = [getattr(o, attr) for o in organisations.values() if o.category == "kleine_keten" and getattr(o, attr)]
    return ", ".join(found)


# -- loading -------------------------------------------------------------

_default_lock = threading.Lock()
_default: Policy | None = None


def load_policy(path: Path | str | None = None) -> Policy:
    """The default policy, or the default with `path` merged over it (tables merge, values replace).

    The default is loaded once per process and shared. Raises PolicyError
    (never another exception) for a missing or broken file or a bad value.
    """
    global _default
    if path is None:
        with _default_lock:
            if _default is None:
                _default = _build(_read_toml(DEFAULT_POLICY_PATH)[0], [DEFAULT_POLICY_PATH], None)
            return _default
    path = Path(path)
    base, _ = _read_toml(DEFAULT_POLICY_PATH)
    overlay, text = _read_toml(path)
    try:
        _validate_overlay(overlay, base, text, path)
        merged = _deep_merge(base, overlay)
        return _build(merged, [DEFAULT_POLICY_PATH, path], (overlay, text, path))
    except PolicyError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a value of an unexpected shape
        raise PolicyError(f"bad value in the policy ({type(exc).__name__}: {exc})", path) from None


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read the policy file ({exc.strerror or exc})", path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyError("the file is not UTF-8 text", path, line) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(found.group(1)) if found else None
        column = int(found.group(2)) if found else None
        if line is None and "end of document" in msg:
            line = text.count("\n") + 1
        reason = re.sub(r"\s*\(at [^)]*\)\s*$", "", msg)
        raise PolicyError(f"invalid TOML: {reason}", path, line, column) from None


def _deep_merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = dict(base)
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _line_of(text: str, key: str, section: Iterable[str] = ()) -> int | None:
    """The line where `key` is set, inside the table `section` when given (best effort)."""
    want = ".".join(section)
    current = ""
    key_re = re.compile(r'^\s*(?:"' + re.escape(key) + r'"|' + re.escape(key) + r")\s*=")
    header_re = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
    fallback = None
    for number, line in enumerate(text.splitlines(), 1):
        header = header_re.match(line)
        if header:
            current = header.group(1).replace('"', "").replace(" ", "")
            if current == ".".join([*section, key]) or (current.endswith("." + key) and current.startswith(want)):
                return number
            continue
        if key_re.match(line):
            if current == want:
                return number
            fallback = fallback or number
        elif fallback is None and (f'"{key}"' in line or re.search(r"\b" + re.escape(key) + r"\b", line)):
            fallback = number
    return fallback


def _validate_overlay(overlay: Mapping[str, Any], base: Mapping[str, Any], text: str, path: Path) -> None:
    def fail(reason: str, key: str, *section: str) -> None:
        raise PolicyError(reason, path, _line_of(text, key, section))

    for top in overlay:
        if top not in base:
            fail(f"unknown section or key '{top}' (known: {', '.join(sorted(base))})", top)
    _check_types(overlay, base, fail)
    for rule, value in overlay.get("severities", {}).items():
        if rule not in RULE_IDS:
            fail(f"unknown rule '{rule}' in [severities]", rule, "severities")
        if value not in SEVERITIES:
            fail(f"bad severity '{value}' for {rule} (use block, warn or info)", rule, "severities")
    for rule, variants in overlay.get("severity_variants", {}).items():
        if rule not in RULE_IDS:
            fail(f"unknown rule '{rule}' in [severity_variants]", rule, "severity_variants")
        if not isinstance(variants, Mapping):
            fail(f"[severity_variants.{rule}] must be a table", rule, "severity_variants")
        known = base["severity_variants"].get(rule, {})
        for variant, value in variants.items():
            if variant not in known:
                fail(f"unknown variant '{variant}' of {rule} (known: {', '.join(known) or 'none'})",
                     variant, "severity_variants", rule)
            if value not in SEVERITIES:
                fail(f"bad severity '{value}' for {rule}.{variant} (use block, warn or info)",
                     variant, "severity_variants", rule)
    for name, value in overlay.get("thresholds", {}).items():
        if name not in base["thresholds"]:
            fail(f"unknown threshold '{name}' (known: {', '.join(base['thresholds'])})", name, "thresholds")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            fail(f"threshold '{name}' must be a number of 0 or more", name, "thresholds")
    organisations = {**base["organisations"], **overlay.get("organisations", {})}
    matrix = {**base["matrix"], **overlay.get("matrix", {})}
    org_names = {o.get("name", k) for k, o in organisations.items() if isinstance(o, Mapping)}
    for key, org in overlay.get("organisations", {}).items():
        if not isinstance(org, Mapping):
            fail(f"[organisations.{key}] must be a table", key, "organisations")
        merged = {**base["organisations"].get(key, {}), **org}
        if "name" not in merged or "category" not in merged:
            fail(f"organisation '{key}' needs a name and a category", key, "organisations")
        if merged["category"] not in CATEGORIES:
            fail(f"unknown category '{merged['category']}' for organisation '{key}' "
                 f"(known: {', '.join(CATEGORIES)})", "category", "organisations", key)
        for row in merged.get("matrix_rows", []):
            if row not in matrix:
                fail(f"organisation '{key}' names matrix row '{row}', which is not in [matrix]",
                     "matrix_rows", "organisations", key)
    for section in ("domains", "domain_prefixes"):
        for domain, key in overlay.get(section, {}).items():
            if not isinstance(key, str) or key not in organisations:
                fail(f"domain '{domain}' points to unknown organisation '{key}'", domain, section)
    for row, ticks in overlay.get("matrix", {}).items():
        for tick in ticks:
            if tick not in org_names:
                fail(f"matrix row '{row}' ticks unknown organisation '{tick}'", row, "matrix")
    for key, channel in overlay.get("channels", {}).items():
        merged = {**base["channels"].get(key, {}), **channel}
        if merged.get("severity") not in SEVERITIES:
            fail(f"bad severity '{merged.get('severity')}' for channel '{key}'", "severity", "channels", key)
        for pattern in [*merged.get("phrases", []), *merged.get("url_patterns", [])]:
            try:
                re.compile(pattern)
            except re.error as exc:
                fail(f"bad regular expression in channel '{key}': {exc}", "phrases", "channels", key)
    for lang, rules in overlay.get("messages", {}).items():
        if lang not in LANGUAGES:
            fail(f"unknown language '{lang}' in [messages] (use nl or en)", lang, "messages")
        for rule in rules:
            if rule not in RULE_IDS and rule != "common":
                fail(f"unknown rule '{rule}' in [messages.{lang}]", rule, "messages", lang)
    for rule in overlay.get("sources", {}):
        if rule not in RULE_IDS:
            fail(f"unknown rule '{rule}' in [sources]", rule, "sources")


def _check_types(overlay: Mapping[str, Any], base: Mapping[str, Any], fail: Any, trail: tuple[str, ...] = ()) -> None:
    """A value must keep the kind of the default it replaces (table, list, text, number, yes/no)."""
    for key, value in overlay.items():
        if key not in base:
            continue
        default = base[key]
        kinds = {dict: "a table", list: "a list", str: "text", bool: "true or false"}
        want = next((name for kind, name in kinds.items() if isinstance(default, kind)), None)
        if isinstance(default, int | float) and not isinstance(default, bool):
            ok, want = isinstance(value, int | float) and not isinstance(value, bool), "a number"
        elif want is None:
            continue
        else:
            ok = isinstance(value, type(default))
        if not ok:
            fail(f"'{'.'.join((*trail, key))}' must be {want}", key, *trail)
        if isinstance(default, dict):
            _check_types(value, default, fail, (*trail, key))


def _build(data: dict[str, Any], paths: list[Path], overlay: tuple[dict[str, Any], str, Path] | None) -> Policy:
    try:
        organisations = {
            key: Organisation(
                key=key,
                name=org["name"],
                category=org["category"],
                article=org.get("article", ""),
                article_en=org.get("article_en", ""),
                sentence_name=org.get("sentence_name"),
                matrix_rows=tuple(org.get("matrix_rows", ())),
                zorg=bool(org.get("zorg", False)),
                criminal_partner=bool(org.get("criminal_partner", False)),
                lso_member=bool(org.get("lso_member", False)),
                privacy_office=org.get("privacy_office"),
                infosec=org.get("infosec"),
                chain_system=org.get("chain_system"),
            )
            for key, org in data["organisations"].items()
        }
        channels = tuple(
            Channel(
                key=key,
                service=ch.get("service", key),
                severity=ch.get("severity", "warn"),
                hosts=tuple(h.lower() for h in ch.get("hosts", ())),
                url_patterns=tuple(re.compile(p, re.IGNORECASE) for p in ch.get("url_patterns", ())),
                phrases=tuple(re.compile(p, re.IGNORECASE) for p in ch.get("phrases", ())),
            )
            for key, ch in data["channels"].items()
        )
    except (KeyError, TypeError, re.error) as exc:
        path = overlay[2] if overlay else paths[-1]
        raise PolicyError(f"incomplete or bad entry: {exc}", path) from None
    gem = data["gemeenten"]
    gem_file = Path(gem["file"])
    if not gem_file.is_absolute():
        set_by_overlay = overlay is not None and "file" in overlay[0].get("gemeenten", {})
        gem_file = (overlay[2].parent if set_by_overlay and overlay else DEFAULT_POLICY_PATH.parent) / gem_file
    municipalities = _read_municipalities(gem_file, overlay[2] if overlay else DEFAULT_POLICY_PATH)
    for domain, name in gem.get("extra_domains", {}).items():
        municipalities[domain.lower()] = name
    return Policy(
        data=_freeze(data),
        origin=tuple(str(p) for p in paths),
        organisations=MappingProxyType(organisations),
        municipalities=MappingProxyType(municipalities),
        channels=channels,
        municipality_slugs=MappingProxyType(
            {_slug(name).replace(" ", "").replace("-", ""): name for name in set(municipalities.values())}),
    )


def _read_municipalities(path: Path, policy_path: Path) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PolicyError(f"cannot read the municipalities file {path} ({exc.strerror or exc})",
                          policy_path) from None
    out: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, extra = line.partition("|")
        name = name.strip()
        domains = set(extra.split())
        if "(" not in name:
            base = _slug(name)
            domains |= {base.replace(" ", "").replace("-", "") + ".nl", base.replace(" ", "-") + ".nl",
                        base.replace(" ", "") + ".nl"}
        for domain in domains:
            out[domain.lower()] = name
    return out


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "").replace(",", "").strip()
    return re.sub(r"\s+", " ", text)


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
