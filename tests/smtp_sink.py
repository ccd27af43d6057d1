"""A receiving SMTP server for the hook's tests and bench: aiosmtpd on a free loopback port, in a thread,
storing every message that arrives (envelope and the exact bytes); and the plain mail they send."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP


@dataclass
class Stored:
    sender: str
    recipients: list[str]
    data: bytes
    mail_options: list[str] = field(default_factory=list)


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.sink.refuse:
            return self.sink.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.sink.data_reply:
            return self.sink.data_reply
        with self.sink.lock:
            self.sink.stored.append(
                Stored(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content,
                       list(envelope.mail_options))
            )
            n = len(self.sink.stored)
        return f"250 2.0.0 Ok: queued as SINK{n}"


class SmtpSink:
    """`start()` listens on 127.0.0.1 (port 0 = a free one, or the port it had before a `stop()`)."""

    def __init__(self) -> None:
        self.stored: list[Stored] = []
        self.lock = threading.Lock()
        self.refuse: dict[str, str] = {}  # recipient -> the reply to RCPT
        self.data_reply: str | None = None  # a reply to DATA instead of storing
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server = None
        self._thread: threading.Thread | None = None

    def start(self) -> SmtpSink:
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()

        async def open_server() -> None:
            loop = asyncio.get_running_loop()
            self._server = await loop.create_server(
                lambda: SMTP(_Handler(self), hostname="sink.test", enable_SMTPUTF8=True, data_size_limit=None,
                             loop=loop),
                host="127.0.0.1", port=self.port, reuse_address=True,
            )
            self.port = self._server.sockets[0].getsockname()[1]

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(open_server())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is None:
            return

        async def close() -> None:
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        self._loop = None

    def messages(self) -> list[Stored]:
        with self.lock:
            return list(self.stored)


def outgoing_mail(message_id: str, body: str, *, subject: str = "Overleg", pdf: bytes | None = None) -> bytes:
    """A mail from the IND to the DT&V (CRLF line ends, as on the wire), optionally with a PDF attached."""
    msg = EmailMessage()
    msg["From"] = "Medewerker <bmw.zwolle@ind.nl>"
    msg["To"] = "regie@dtv.minvenj.nl"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{message_id}>"
    msg.set_content(body)
    if pdf is not None:
        msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="verslag.pdf")
    return msg.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
