"""IMAP as a message source: `imap://USER@HOST[:PORT]/FOLDER` or `imaps://…`, read in batches of UIDs.

Yields the same RawMessage objects as scanner.ingest.sources, one at a time, so `audit` treats a
server folder like an mbox. Keys are `imap:UIDVALIDITY:UID`: stable for as long as the server
keeps the folder's UIDVALIDITY, which is what lets an interrupted audit resume without fetching
the messages it already has. The folder is opened read-only and bodies are fetched with
BODY.PEEK[], so the audit never marks a message as read. The password comes from the
environment (VERZENDCHECK_IMAP_PASSWORD), never from the command line where `ps` would show it.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from scanner.ingest.limits import DEFAULT_LIMITS, Limits
from scanner.ingest.sources import RawMessage

PASSWORD_ENV = "VERZENDCHECK_IMAP_PASSWORD"
BATCH = 50  # UIDs per FETCH: few round trips, yet a bounded amount of mail in memory


class ImapError(Exception):
    """The server could not be reached or refused us; the message is Dutch and names no password."""


@dataclass(frozen=True)
class ImapSource:
    user: str
    host: str
    port: int
    folder: str
    tls: bool

    @property
    def label(self) -> str:
        """What reports show as the source (no password, ever)."""
        scheme = "imaps" if self.tls else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def is_imap_url(text: str) -> bool:
    return text.lower().startswith(("imap://", "imaps://"))


def parse_imap_url(url: str) -> ImapSource:
    """`imaps://user@host:993/Sent` -> ImapSource; the folder defaults to INBOX."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("imap", "imaps") or not parts.hostname:
        raise ValueError(f"geen geldige IMAP-URL: {url}")
    if not parts.username:
        raise ValueError("de IMAP-URL mist de gebruikersnaam (imap://GEBRUIKER@HOST/MAP)")
    tls = scheme == "imaps"
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapSource(unquote(parts.username), parts.hostname, parts.port or (993 if tls else 143), folder, tls)


def connect(source: ImapSource, password: str | None = None, *, timeout: float = 60.0):
    """A logged-in IMAPClient with the folder selected read-only; returns (client, UIDVALIDITY)."""
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError

    password = password if password is not None else os.environ.get(PASSWORD_ENV)
    if password is None:
        raise ImapError(f"zet het wachtwoord in de omgevingsvariabele {PASSWORD_ENV}")
    try:
        client = IMAPClient(source.host, port=source.port, ssl=source.tls,
                            ssl_context=ssl.create_default_context() if source.tls else None, timeout=timeout)
    except (OSError, IMAPClientError) as exc:
        raise ImapError(f"IMAP-server {source.host}:{source.port} niet bereikbaar ({type(exc).__name__})") from None
    try:
        client.login(source.user, password)
        selected = client.select_folder(source.folder, readonly=True)
    except IMAPClientError as exc:
        client.shutdown()
        what = "inloggen mislukt" if "login" in str(exc).lower() or "auth" in str(exc).lower() else "map niet geopend"
        raise ImapError(f"IMAP: {what} voor map {source.folder}") from None
    return client, int(selected[b"UIDVALIDITY"])


def count_imap(source: ImapSource, password: str | None = None) -> int:
    client, _ = connect(source, password)
    try:
        return len(client.search(["ALL"]))
    finally:
        client.logout()


def iter_imap(
    source: ImapSource,
    password: str | None = None,
    *,
    skip: Callable[[str], bool] | None = None,
    batch: int = BATCH,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[RawMessage]:
    """Every message of the folder in UID order. `skip(key)` true: not fetched at all (already audited)."""
    from imapclient.exceptions import IMAPClientError

    client, uidvalidity = connect(source, password)
    try:
        yield from _fetch_all(client, source, uidvalidity, skip, batch, limits)
    except (OSError, IMAPClientError):
        raise ImapError(f"verbinding met IMAP-server {source.host} verbroken") from None
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone; nothing left to release
            client.shutdown()


def _fetch_all(client, source: ImapSource, uidvalidity: int, skip: Callable[[str], bool] | None, batch: int,
               limits: Limits) -> Iterator[RawMessage]:
    uids = sorted(client.search(["ALL"]))
    for start in range(0, len(uids), batch):
        chunk = uids[start:start + batch]
        wanted = [uid for uid in chunk if not (skip and skip(_key(uidvalidity, uid)))]
        if not wanted:
            continue
        sizes = client.fetch(wanted, ["RFC822.SIZE"])
        small = [uid for uid in wanted if sizes.get(uid, {}).get(b"RFC822.SIZE", 0) <= limits.max_message_bytes]
        bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
        for uid in wanted:
            key, name = _key(uidvalidity, uid), f"{source.label}#{uid}"
            if uid not in small:
                yield RawMessage(key, name, error="bericht is te groot om te controleren")
            elif uid in bodies and b"BODY[]" in bodies[uid]:
                yield RawMessage(key, name, bytes(bodies[uid][b"BODY[]"]))
            else:  # expunged between SEARCH and FETCH, or the server would not give it
                yield RawMessage(key, name, error="bericht kon niet van de IMAP-server worden gehaald")
        del bodies


def _key(uidvalidity: int, uid: int) -> str:
    return f"imap:{uidvalidity}:{uid}"
