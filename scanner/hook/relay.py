"""Hand a checked message to the next MTA (Postfix's reinjection port or a smarthost) with smtplib.

One SMTP transaction per message, run in a thread; Postfix's XFORWARD attributes (the original
client) are passed on when the relay offers XFORWARD. The relay's own answer comes back as
(code, text); only a 250 to DATA means the relay took the message. A recipient the relay
refuses ends the transaction before DATA (RSET), so either every recipient gets the message or
none does, and the sender's MTA keeps it: a partial delivery would lose the refused copies.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass

# Client ESMTP parameters passed on when the relay offers the extension.
_PASSED_ON = {"BODY": "8bitmime", "SMTPUTF8": "smtputf8"}


@dataclass(frozen=True)
class RelayAnswer:
    code: int
    text: str  # the relay's reply text (decoded, not yet made safe for our own reply)

    @property
    def accepted(self) -> bool:
        return self.code == 250


class RelayUnavailable(Exception):
    """The relay could not be reached or dropped the connection: the message was not handed over."""


def relay_message(
    host: str,
    port: int,
    sender: str,
    recipients: list[str],
    data: bytes,
    *,
    mail_options: Sequence[str] = (),
    timeout: float = 60.0,
    local_hostname: str | None = None,
    xforward: dict[str, str] | None = None,
) -> RelayAnswer:
    """Send `data` as it is (no re-encoding; smtplib only dot-stuffs) to `recipients` through host:port."""
    try:
        smtp = smtplib.SMTP(host, port, timeout=timeout, local_hostname=local_hostname)
    except smtplib.SMTPResponseException as exc:  # a 421/554 greeting
        return RelayAnswer(exc.smtp_code, _decode(exc.smtp_error))
    except OSError as exc:  # refused, unreachable, timed out, disconnected
        raise RelayUnavailable(type(exc).__name__) from exc
    try:
        return _transaction(smtp, sender, recipients, data, mail_options, xforward or {})
    except smtplib.SMTPResponseException as exc:  # EHLO refused
        return RelayAnswer(exc.smtp_code, _decode(exc.smtp_error))
    except OSError as exc:  # the connection broke: the message may not have been handed over
        raise RelayUnavailable(type(exc).__name__) from exc
    finally:
        _quit(smtp)


def _transaction(smtp: smtplib.SMTP, sender: str, recipients: list[str], data: bytes,
                 mail_options: Sequence[str], xforward: dict[str, str]) -> RelayAnswer:
    smtp.ehlo_or_helo_if_needed()
    offered = smtp.esmtp_features.get("xforward", "").upper().split()
    passed = " ".join(f"{name}={value}" for name, value in xforward.items() if name in offered)
    if passed:
        smtp.docmd("XFORWARD", passed)  # for the relay's logs (orig_client=): a refusal changes nothing
    code, text = smtp.mail(sender, _mail_options(smtp, mail_options, len(data)))
    if code != 250:
        return _give_up(smtp, code, text)
    for rcpt in recipients:
        code, text = smtp.rcpt(rcpt)
        if code not in (250, 251):
            return _give_up(smtp, code, text)
    try:
        code, text = smtp.data(data)
    except smtplib.SMTPDataError as exc:
        return RelayAnswer(exc.smtp_code, _decode(exc.smtp_error))
    return RelayAnswer(code, _decode(text))


def _quit(smtp: smtplib.SMTP) -> None:
    """End politely; whatever QUIT answers changes nothing about the message."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _mail_options(smtp: smtplib.SMTP, client_options: Sequence[str], size: int) -> list[str]:
    options = []
    for option in client_options:
        name = option.split("=", 1)[0].upper()
        if name in _PASSED_ON and smtp.has_extn(_PASSED_ON[name]):
            options.append(option)
    if smtp.has_extn("size"):
        options.append(f"SIZE={size}")  # our size, with the added headers, not the client's
    return options


def _give_up(smtp: smtplib.SMTP, code: int, text: bytes) -> RelayAnswer:
    try:
        smtp.rset()
    except (smtplib.SMTPException, OSError):
        pass
    return RelayAnswer(code, _decode(text))


def _decode(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
