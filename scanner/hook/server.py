"""`verzendcheck smtp-proxy`: a before-queue SMTP filter that scans each mail and relays or refuses it.

An aiosmtpd server takes the mail; the scan runs in the worker pool (models loaded before the
first connection is accepted; a worker over the time budget is killed and replaced); the verdict
decides: relay with two added headers, refuse with 550 5.7.1, or answer 451 4.3.0 so the sender's
MTA keeps the mail and retries. A 250 is given only after the relay has accepted the mail.
Every decision is one line of JSON in the decision log, without personal data.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import functools
import json
import logging
import re
import signal
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from typing import Any, TextIO

from aiosmtpd.smtp import SMTP, Envelope, Session

from scanner.hook.relay import RelayUnavailable, relay_message
from scanner.hook.replies import (
    ascii_safe,
    block_reply,
    header_end,
    reply_text,
    rule_ids,
    smtp_reply,
    warn_reply,
    with_verdict_headers,
)
from scanner.i18n import T
from scanner.ingest.mail import header_text
from scanner.policy import Policy, load_policy
from scanner.pool import WorkerPool
from scanner.privacy import message_id_digest
from scanner.tasks import budget_within, scan_bytes

log = logging.getLogger("verzendcheck.hook")

RELAY_THREADS = 32  # relay transactions at once (each waits on the network, not on the CPU)
XFORWARD_ATTRIBUTES = ("NAME", "ADDR", "PORT", "PROTO", "HELO", "IDENT", "SOURCE")
_ENHANCED = re.compile(r"^([245]\.\d{1,3}\.\d{1,3})\s*")


@dataclass
class HookSettings:
    """Where to listen and relay, and the limits (from `[hook]` in the policy, command-line options win)."""

    listen: tuple[str, int]
    relay: tuple[str, int]
    mode: str = "enforce"
    policy_path: str | None = None
    workers: int = 2
    timeout: float = 30.0
    queue_seconds: float = 30.0
    relay_timeout: float = 60.0
    max_message_bytes: int = 26214400
    lang: str = "nl"
    tls_cert: str | None = None
    tls_key: str | None = None
    decision_log: str | None = "-"
    hostname: str | None = None

    @classmethod
    def from_policy(cls, policy: Policy, **given: Any) -> HookSettings:
        hook = policy.get("hook", default={}) or {}
        values = {
            "workers": hook.get("workers", 2),
            "timeout": hook.get("timeout_seconds", 30.0),
            "queue_seconds": hook.get("queue_seconds", 30.0),
            "relay_timeout": hook.get("relay_timeout_seconds", 60.0),
            "max_message_bytes": hook.get("max_message_bytes", 26214400),
        }
        values.update({k: v for k, v in given.items() if v is not None})
        return cls(**values)


def parse_address(text: str) -> tuple[str, int]:
    """`HOST:PORT` or `[IPv6]:PORT` to (host, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ValueError(repr(text))
    return host.strip("[]"), int(port)


class DecisionLog:
    """JSON Lines, one object per mail: what was decided and why, never personal data."""

    def __init__(self, target: str | None) -> None:
        self._lock = threading.Lock()
        self._own = target not in (None, "", "-")
        self._out: TextIO | None = sys.stdout if target == "-" else None
        if self._own:
            self._out = open(target, "a", encoding="utf-8", buffering=1)

    def write(self, record: dict[str, Any]) -> None:
        if self._out is None:
            return
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self._out.write(line + "\n")
            self._out.flush()

    def close(self) -> None:
        if self._own and self._out is not None:
            self._out.close()
            self._out = None


def message_id_hash(data: bytes) -> str | None:
    """sha256 of the Message-ID header (so a retried mail can be followed without revealing it)."""
    try:
        value = BytesHeaderParser().parsebytes(data[: header_end(data)]).get("Message-ID")
    except Exception:  # a header the parser cannot read: no id, the decision stands
        return None
    return message_id_digest(header_text(value) if value else None)


class _ProxySMTP(SMTP):
    """aiosmtpd's session, with its own size refusal turned into ours (552 5.3.4, logged), and Postfix's
    XFORWARD (the original client's name, address and HELO, passed on so the relay logs them)."""

    async def push(self, status: str | bytes) -> None:
        if isinstance(status, str) and status.startswith("552 Error"):
            status = self.event_handler.too_large(self)
        await super().push(status)

    async def smtp_XFORWARD(self, arg: str) -> None:
        if self.envelope is not None and self.envelope.mail_from is not None:
            await self.push("503 5.5.1 Error: MAIL transaction in progress")
            return
        attributes: dict[str, str] = {}
        for item in arg.split():
            name, sep, value = item.partition("=")
            if not sep or name.upper() not in XFORWARD_ATTRIBUTES or not value.isprintable():
                await self.push("501 5.5.4 Syntax: XFORWARD attribute=value...")
                return
            attributes[name.upper()] = value
        if not attributes:
            await self.push("501 5.5.4 Syntax: XFORWARD attribute=value...")
            return
        self.session.xforward = {**getattr(self.session, "xforward", {}), **attributes}
        await self.push("250 2.0.0 Ok")


class HookHandler:
    """The aiosmtpd handler: EHLO extensions, and the decision at the end of DATA."""

    def __init__(
        self,
        settings: HookSettings,
        policy: Policy,
        pool: WorkerPool,
        decisions: DecisionLog,
        task: Callable[..., Any] = scan_bytes,
    ) -> None:
        self.settings = settings
        self.policy = policy
        self.pool = pool
        self.decisions = decisions
        self.task = task
        self.relay_threads = ThreadPoolExecutor(RELAY_THREADS, thread_name_prefix="verzendcheck-relay")
        self.in_flight = 0
        self.counts: dict[str, int] = {}
        self.local_hostname = settings.hostname or socket.gethostname()

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope, hostname: str,
                          responses: list[str]) -> list[str]:
        session.host_name = hostname
        # No AUTH (the MTA in front authenticates users); PIPELINING: aiosmtpd reads commands from a stream.
        out = [r for r in responses if not r.startswith("250-AUTH")]
        out.insert(len(out) - 1, "250-PIPELINING")
        out.insert(len(out) - 1, "250-XFORWARD " + " ".join(XFORWARD_ATTRIBUTES))
        return out

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.in_flight += 1
        try:
            return await self._decide(envelope, getattr(session, "xforward", None))
        finally:
            self.in_flight -= 1

    def too_large(self, server: SMTP) -> str:
        self._log({"action": "refused_size", "code": 552, "limit": self.settings.max_message_bytes}, time.monotonic())
        return smtp_reply(552, "5.3.4", [reply_text(self.policy, "too_large", self.settings.lang)])

    async def _decide(self, envelope: Envelope, xforward: dict[str, str] | None) -> str:
        began = time.monotonic()
        settings, lang = self.settings, self.settings.lang
        data: bytes = envelope.original_content or b""
        recipients = list(envelope.rcpt_tos)
        record: dict[str, Any] = {"message_id_sha256": message_id_hash(data), "size": len(data),
                                  "rcpt_count": len(recipients)}
        try:
            result = await asyncio.wait_for(
                self.pool.run(self.task, data, "smtp.eml", sender=envelope.mail_from or None, bcc=recipients,
                              policy_path=settings.policy_path, lang=lang, timeout=settings.timeout,
                              budget=budget_within(settings.timeout)),
                settings.timeout + settings.queue_seconds,
            )
        except Exception as exc:  # TaskTimeout, WorkerDied, the scanner's own exception, a full queue
            error = "QueueTimeout" if isinstance(exc, TimeoutError) else type(exc).__name__
            log.warning("scan failed (%s): 451, the sending MTA keeps the mail", error)
            return self._log({**record, "action": "tempfail_scan", "error": error, "code": 451}, began,
                             reply=smtp_reply(451, "4.3.0", [reply_text(self.policy, "tempfail", lang)]))
        scanned = time.monotonic()
        rules = rule_ids(result)
        record.update(
            verdict=result.verdict,
            rules=rules,
            motivation=bool(result.motivation),
            recipients=[{"field": r.field, "organisation": r.organisation, "category": r.category}
                        for r in result.recipients],
            scan_ms=round((scanned - began) * 1000, 1),
        )
        if settings.mode == "enforce" and result.verdict == "block":
            return self._log({**record, "action": "refused_block", "code": 550}, began,
                             reply=block_reply(result, self.policy, lang))
        if settings.mode == "enforce" and result.verdict == "warn" and not result.motivation:
            return self._log({**record, "action": "refused_warn", "code": 550}, began,
                             reply=warn_reply(result, self.policy, lang))
        outgoing = with_verdict_headers(data, result.verdict, rules)
        send = functools.partial(
            relay_message, *settings.relay, envelope.mail_from or "", recipients, outgoing,
            mail_options=list(envelope.mail_options), timeout=settings.relay_timeout,
            local_hostname=self.local_hostname, xforward=xforward,
        )
        try:
            answer = await asyncio.get_running_loop().run_in_executor(self.relay_threads, send)
        except RelayUnavailable as exc:
            log.warning("relay unavailable (%s): 451, the sending MTA keeps the mail", exc)
            return self._log({**record, "action": "tempfail_relay", "error": str(exc), "code": 451}, began,
                             reply=smtp_reply(451, "4.3.0", [reply_text(self.policy, "relay_down", lang)]),
                             relay_began=scanned)
        reply = self._relay_reply(answer.code, answer.text)
        action = "relayed" if answer.accepted else "relay_refused"
        return self._log({**record, "action": action, "code": int(reply[:3])}, began, reply=reply,
                         relay_began=scanned)

    def _relay_reply(self, code: int, text: str) -> str:
        """The relay's answer passed back: its code and status, its text made safe; 250 only for a 250."""
        lines = [ascii_safe(line) for line in text.splitlines()] or [""]
        match = _ENHANCED.match(lines[0])
        status = match.group(1) if match else None
        lines[0] = lines[0][match.end():] if match else lines[0]
        if code == 250:
            return smtp_reply(250, status or "2.0.0", [reply_text(self.policy, "relayed", self.settings.lang), *lines])
        if not 400 <= code <= 599 or code == 421:  # 421 would tell our client we close the session
            code, status = 451, "4.3.0"
        default = "4.3.0" if code < 500 else "5.0.0"
        if not status or status[0] != str(code)[0]:
            status = default
        return smtp_reply(code, status, lines)

    def _log(self, record: dict[str, Any], began: float, *, reply: str | None = None,
             relay_began: float | None = None) -> str:
        now = time.monotonic()
        record = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                  "mode": self.settings.mode, **record}
        if relay_began is not None:
            record["relay_ms"] = round((now - relay_began) * 1000, 1)
        record["total_ms"] = round((now - began) * 1000, 1)
        self.counts[record["action"]] = self.counts.get(record["action"], 0) + 1
        self.decisions.write(record)
        return reply or ""


class HookServer:
    """The proxy: the worker pool (started and warm first), then the SMTP listener."""

    def __init__(
        self,
        settings: HookSettings,
        *,
        policy: Policy | None = None,
        pool: WorkerPool | None = None,
        task: Callable[..., Any] = scan_bytes,
    ) -> None:
        self.settings = settings
        self.policy = policy or load_policy(settings.policy_path)
        self._own_pool = pool is None
        self.pool = pool or WorkerPool(settings.workers, initargs=(settings.policy_path,), timeout=settings.timeout)
        self.decisions = DecisionLog(settings.decision_log)
        self.handler = HookHandler(settings, self.policy, self.pool, self.decisions, task)
        self._tls = _tls_context(settings.tls_cert, settings.tls_key)
        self._server: asyncio.base_events.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.address: tuple[str, int] | None = None

    async def open(self) -> tuple[str, int]:
        """Start the pool (blocking until the models are loaded), then listen."""
        await asyncio.get_running_loop().run_in_executor(None, self.pool.start)
        loop = asyncio.get_running_loop()
        hostname = self.handler.local_hostname
        settings = self.settings

        def session() -> SMTP:
            return _ProxySMTP(self.handler, data_size_limit=settings.max_message_bytes, enable_SMTPUTF8=True,
                              decode_data=False, hostname=hostname, ident="verzendcheck", tls_context=self._tls,
                              loop=loop)

        host, port = settings.listen
        self._server = await loop.create_server(session, host=host, port=port)
        self.address = self._server.sockets[0].getsockname()[:2]
        log.info("listening on %s:%d, relaying to %s:%d, mode %s, %d workers",
                 *self.address, *settings.relay, settings.mode, self.pool.workers)
        return self.address

    async def close(self, grace: float | None = None) -> None:
        """Stop listening; let mails in progress finish (up to `grace` seconds); stop the pool."""
        if self._server is not None:
            self._server.close()
            deadline = time.monotonic() + (self.settings.timeout + self.settings.relay_timeout
                                           if grace is None else grace)
            while self.handler.in_flight and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            self._server = None
        if self._own_pool:
            await asyncio.get_running_loop().run_in_executor(None, self.pool.close)
        self.handler.relay_threads.shutdown(wait=False)
        self.decisions.close()

    async def serve_until_signal(self) -> None:
        await self.open()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        log.info("stopping: finishing mails in progress")
        await self.close()

    # -- in a thread of its own (tests, bench) --------------------------------

    def start(self) -> HookServer:
        """Run the proxy on an event loop in a background thread; returns once it listens."""
        self._loop = asyncio.new_event_loop()
        opened: dict[str, Any] = {}
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(self.open())
            except BaseException as exc:
                opened["error"] = exc
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="verzendcheck-hook", daemon=True)
        self._thread.start()
        ready.wait()
        if "error" in opened:
            raise opened["error"]
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.close(grace=5), self._loop).result(60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        self._loop = self._thread = None


def _tls_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    if not cert:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def main(args: argparse.Namespace) -> int:
    try:
        listen, relay = parse_address(args.listen), parse_address(args.relay)
    except ValueError as exc:
        print(f"verzendcheck smtp-proxy: {T('verwacht HOST:POORT', 'expected HOST:PORT')}: {exc}", file=sys.stderr)
        return 2
    if bool(getattr(args, "tls_cert", None)) != bool(getattr(args, "tls_key", None)):
        both = T("--tls-cert en --tls-key horen bij elkaar", "--tls-cert and --tls-key go together")
        print(f"verzendcheck smtp-proxy: {both}", file=sys.stderr)
        return 2
    policy = load_policy(args.policy)
    settings = HookSettings.from_policy(
        policy,
        listen=listen,
        relay=relay,
        mode=args.mode,
        policy_path=str(args.policy) if args.policy else None,
        workers=getattr(args, "workers", None),
        lang=getattr(args, "lang", None),
        tls_cert=getattr(args, "tls_cert", None),
        tls_key=getattr(args, "tls_key", None),
        decision_log=getattr(args, "decision_log", None),
    )
    if settings.workers < 1:
        print(f"verzendcheck smtp-proxy: --workers {T('moet minstens 1 zijn', 'must be at least 1')}", file=sys.stderr)
        return 2
    log.setLevel(logging.INFO)
    try:
        server = HookServer(settings, policy=policy)
    except (OSError, ssl.SSLError) as exc:  # the certificate, the key or the decision log cannot be read
        print(f"verzendcheck smtp-proxy: {type(exc).__name__}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(server.serve_until_signal())
    return 0
