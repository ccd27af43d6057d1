"""What every rule sees: message, findings, documents, policy, sender, recipients, motivation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from scanner.documents import Document, any_match, load_toml
from scanner.model import Finding, Message, Part, Recipient
from scanner.policy import Match, Organisation, Policy
from scanner.signatures import SUBJECT_IDENTIFIERS, last_own_start

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

T = TypeVar("T")  # what a helper given to RuleContext.once returns

_MOTIVATION_LINE = re.compile(r"^[ \t]*Motivering[ \t]*:[ \t]*(\S.*)$", re.IGNORECASE | re.MULTILINE)
MOTIVATION_HEADER = "x-avg-motivering"
# Entities that point at a data subject (lexicon.md §12): a name or an identifier of a person.
SUBJECT_ENTITIES = SUBJECT_IDENTIFIERS | {"PERSON"}


def find_motivation(message: Message) -> str | None:
    """The sender's motivation: header X-AVG-Motivering, else a body line starting with "Motivering:".

    Only the sender's own text counts: forwarded or quoted originals are skipped.
    """
    header = (message.headers.get(MOTIVATION_HEADER) or "").strip()
    if header:
        return header
    for part in message.bodies:
        if part.forwarded:
            continue
        found = _MOTIVATION_LINE.search(part.text)
        if found:
            return found.group(1).strip()
    return None


def signature_start(text: str) -> int | None:
    """Offset where the sender's signature block starts in a body (the last closing before a quote)."""
    return last_own_start(text)


def resolve_recipients(message: Message, policy: Policy) -> list[Recipient]:
    """To, Cc and Bcc resolved through the policy; an address listed twice keeps its first field."""
    out: list[Recipient] = []
    seen: set[str] = set()
    for field_name, addresses in (("to", message.to), ("cc", message.cc), ("bcc", message.bcc)):
        for address in addresses:
            key = address.strip().lower()
            if not key or key in seen:
                continue
            seen.add(key)
            name, category = policy.resolve(key)
            out.append(Recipient(address=key, field=field_name, organisation=name, category=category))
    return out


@dataclass
class RuleContext:
    """The input of every rule (rules.md §3 step 1 done: findings linked, documents classified)."""

    message: Message
    findings: list[Finding]
    documents: list[Document]  # one per message.parts entry, same order
    policy: Policy
    sender: Recipient  # field "from"; organisation from the From domain or the `org` override
    recipients: list[Recipient] = field(default_factory=list)
    motivation: str | None = None
    lang: str = "nl"
    sender_override: str | None = None  # "IND" | "DTV" | "COA" given with --org

    @classmethod
    def build(cls, message: Message, findings: list[Finding], documents: list[Document], policy: Policy, *,
              org: str | None = None, lang: str = "nl") -> RuleContext:
        """Resolve sender and recipients and find the motivation."""
        return cls(message=message, findings=findings, documents=documents, policy=policy,
                   sender=policy.sender(message.sender, org),
                   recipients=resolve_recipients(message, policy), motivation=find_motivation(message),
                   lang=lang if lang in ("nl", "en") else "nl", sender_override=org)

    # -- who ------------------------------------------------------------------

    @cached_property
    def sender_match(self) -> Match:
        return self.policy.sender_match(self.sender.address, self.sender_override or self.sender.organisation)

    @cached_property
    def sender_org(self) -> Organisation | None:
        """The sender's kleine-keten organisation (the partner-matrix column), else None."""
        org = self.sender_match.organisation
        return org if org is not None and org.category == "kleine_keten" else None

    def once(self, helper: Callable[[RuleContext], T]) -> T:
        """`helper(self)`, worked out once: for what several rules ask of the same message (the bulk
        signals, whether the mailbox is a third party's), which does not change between them."""
        memo = self._once
        if helper not in memo:
            memo[helper] = helper(self)
        return memo[helper]

    @cached_property
    def _once(self) -> dict[Callable[[RuleContext], Any], Any]:
        return {}

    def match(self, recipient: Recipient | str) -> Match:
        address = recipient if isinstance(recipient, str) else recipient.address
        cache = self._matches
        if address not in cache:
            cache[address] = self.policy.match(address)
        return cache[address]

    @cached_property
    def _matches(self) -> dict[str, Match]:
        return {}

    @cached_property
    def targets(self) -> list[Recipient]:
        """Recipients the rules check: all but the policy's allow-listed structural flows."""
        allow = {a.lower() for a in self.policy.get("mailboxes", "allow_list", default=())}
        return [r for r in self.recipients if r.address.lower() not in allow]

    def is_own(self, recipient: Recipient | str) -> bool:
        """Same organisation as the sender."""
        m = self.match(recipient)
        if self.sender_match.organisation is None:
            return False
        return m.identity == self.sender_match.identity

    def recipient(self, address: str) -> Recipient | None:
        for r in self.recipients:
            if r.address == address:
                return r
        return None

    @cached_property
    def outside(self) -> list[Recipient]:
        """Targets outside the sender's own organisation."""
        return [r for r in self.targets if not self.is_own(r)]

    # -- what -----------------------------------------------------------------

    def is_public(self, part_index: int) -> bool:
        doc = self.document(part_index)
        return doc is not None and doc.kind == "publiek"

    def document(self, part_index: int) -> Document | None:
        if 0 <= part_index < len(self.documents):
            return self.documents[part_index]
        return None

    def part(self, part_index: int) -> Part | None:
        if 0 <= part_index < len(self.message.parts):
            return self.message.parts[part_index]
        return None

    @cached_property
    def personal(self) -> list[Finding]:
        """Findings about a data subject (rules.md §0): special ones only when linked, none in public documents.

        Special terms in the sender's own signature ("Medewerker gezondheidszaken") are about nobody, and
        neither is an office's mailbox quoted in the text ("mail avg@ind.nl").
        """
        return [f for f in self.findings
                if not self.is_public(f.part_index) and (f.linked or not f.special)
                and not (f.special and self._in_signature(f))
                and not (f.entity == "EMAIL_ADDRESS" and self.policy.is_functional_mailbox(f.text))]

    def _in_signature(self, finding: Finding) -> bool:
        part = self.part(finding.part_index)
        if part is None or part.part != "body" or part.forwarded:
            return False
        start = self.signature_start(finding.part_index)
        return start is not None and finding.start >= start

    def signature_start(self, part_index: int) -> int | None:
        """Where the sender's own signature starts in a body of the sender's (not forwarded), else None."""
        return self._signatures.get(part_index)

    @cached_property
    def _signatures(self) -> dict[int, int | None]:
        # Found once per message: the special-data test and BANNED_CHANNEL both ask.
        return {i: signature_start(p.text) for i, p in enumerate(self.message.parts)
                if p.part == "body" and not p.forwarded}

    @cached_property
    def special(self) -> list[Finding]:
        """Special data (rules.md §0): linked SPECIAL_CATEGORY, CRIMINAL_DATA, ASYLUM_MOTIVE findings."""
        return [f for f in self.personal if f.special]

    @property
    def has_personal(self) -> bool:
        return bool(self.personal)

    @cached_property
    def has_subject(self) -> bool:
        """Whether the message names or identifies a data subject (a name, V-nummer, BSN, date of birth ...).

        General mails (training, policy, statistics, an anonymised case) have none: an office address,
        a venue or "mevrouw A." with her complaints identify nobody (rules.md "Always allowed").
        """
        return any(f.entity in SUBJECT_ENTITIES for f in self.personal)

    def findings_in(self, part_index: int) -> list[Finding]:
        return list(self._personal_by_part.get(part_index, ()))

    @cached_property
    def _personal_by_part(self) -> dict[int, list[Finding]]:
        # Sorted out once: several rules ask for the findings of each part in turn.
        by_part: dict[int, list[Finding]] = {}
        for f in self.personal:
            by_part.setdefault(f.part_index, []).append(f)
        return by_part

    def indexed_parts(self, *, attachments: bool = True, bodies: bool = True, forwarded: bool = True,
                      subject: bool = False) -> Iterable[tuple[int, Part]]:
        for index, part in enumerate(self.message.parts):
            if part.part == "attachment" and attachments:
                yield index, part
            elif part.part == "body" and bodies and (forwarded or not part.forwarded):
                yield index, part
            elif part.part == "subject" and subject:
                yield index, part

    @cached_property
    def own_text(self) -> str:
        """Subject and the sender's own body text (no forwarded originals)."""
        chunks = [self.message.subject]
        chunks += [p.text for _, p in self.indexed_parts(attachments=False, forwarded=False)]
        return "\n".join(chunks)

    @cached_property
    def all_body_text(self) -> str:
        """Subject and every body, forwarded originals included."""
        chunks = [self.message.subject] + [p.text for _, p in self.indexed_parts(attachments=False)]
        return "\n".join(chunks)

    @cached_property
    def request_context(self) -> bool:
        """The message answers a request (rules.md §0): reply headers, a reply subject or a quoted request."""
        spec = load_toml("rules.toml")["request"]
        if any((self.message.headers.get(h) or "").strip() for h in spec["reply_headers"]):
            return True
        if re.search(spec["reply_subject"], self.message.subject or "", re.IGNORECASE):
            return True
        recipient_domains = {self.match(r).domain for r in self.targets}
        for index, part in self.indexed_parts(attachments=False):
            doc = self.document(index)
            if part.forwarded and doc is not None:
                quoted = {a.rpartition("@")[2] for a in doc.quoted_from}
                if quoted & recipient_domains:
                    return True
        return False

    @cached_property
    def lko_feedback(self) -> bool:
        """Feedback to the LKO/LSO members (must-pass 6): the wording, and every recipient an LSO member."""
        if not any_match(tuple(load_toml("rules.toml")["lko"]["feedback"]), self.own_text):
            return False
        orgs = [self.match(r).organisation for r in self.targets]
        return bool(orgs) and all(o is not None and o.lso_member for o in orgs)
