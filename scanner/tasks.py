"""The units of work that run inside pool workers (and on Dask workers): bytes in, Result out.

Parsing runs here too, inside the worker, because a hostile attachment can hang the PDF or
OOXML libraries in C code: only a separate process can be killed out of that. Every front end
(hook, web, audit) submits these functions; none of them parses or scans by itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from scanner.model import Result

_policies: dict[str | None, object] = {}
_policies_lock = threading.Lock()
# A short mail that touches every stage once, so the first real message pays no lazy loading.
WARM_MAIL = (
    b"From: warm@ind.nl\r\nTo: warm@coa.nl\r\nSubject: test\r\nMessage-ID: <warm@verzendcheck>\r\n\r\n"
    b"Beste collega, de heer Jan de Vries (V-nummer 1234567890) heeft last van zijn rug.\r\n"
)


def policy_for(path: str | Path | None):
    """The policy for `path` (None: the default), read once per process."""
    from scanner.policy import load_policy

    key = None if path is None else str(path)
    with _policies_lock:
        if key not in _policies:
            _policies[key] = load_policy(key)
        return _policies[key]


def warm(policy_path: str | Path | None = None) -> None:
    """Load the policy, the analyzer and everything lazy, by scanning one small mail."""
    from scanner.core import scan_message
    from scanner.ingest import parse_eml

    scan_message(parse_eml(WARM_MAIL, "warm.eml"), policy_for(policy_path))


def scan_bytes(
    data: bytes,
    name: str,
    *,
    sender: str | None = None,
    to: Iterable[str] = (),
    cc: Iterable[str] = (),
    bcc: Iterable[str] = (),
    org: str | None = None,
    lang: str = "nl",
    policy_path: str | Path | None = None,
) -> Result:
    """Parse raw bytes (a mail or a document named `name`) and scan them; the addresses add to the headers'."""
    from scanner.core import scan_message
    from scanner.ingest import Limits, load_bytes

    policy = policy_for(policy_path)
    message = load_bytes(data, name, limits=Limits.from_policy(policy)).with_envelope(sender=sender, to=to, cc=cc,
                                                                                       bcc=bcc)
    return scan_message(message, policy, org=org, lang=lang)
