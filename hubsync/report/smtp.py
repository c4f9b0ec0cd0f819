"""Send a rendered `Mail` over SMTP (STARTTLS, SMTPS or plain) and decide whether to send at all.

Thin on purpose: the content is rendered by `report_mail`; this module only builds the MIME
message and talks to the server. Every transport failure becomes a `MailError` that names
host:port and the problem, never the password.
"""

from __future__ import annotations

import logging
import mimetypes
import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from hubsync.choices import MailWhen, SmtpSecurity
from hubsync.errors import ConfigError, MailError
from hubsync.report.mail import Mail
from hubsync.secrets import scrub
from hubsync.summary import ExitCode, RunSummary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send. `verify_tls=False` switches certificate checks off (avoid it)."""

    host: str
    port: int
    user: str | None
    password: str | None = field(repr=False)
    security: SmtpSecurity
    mail_from: str
    mail_to: tuple[str, ...]
    timeout: float = 30
    verify_tls: bool = True
    ca_file: str | None = None

    def __post_init__(self) -> None:
        if not self.mail_to:
            raise ConfigError("no mail recipient set")


def should_send(when: str, summary: RunSummary) -> bool:
    """Whether this run's summary is mailed, by `MailWhen`: "always" (every run that did
    something), "problems" (exit code other than 0, or alerts) or "never". Raises ValueError
    for any other text."""
    if when == MailWhen.ALWAYS:
        return summary.did_something
    if when == MailWhen.PROBLEMS:
        return summary.exit_code is not ExitCode.OK or bool(summary.alerts)
    if when == MailWhen.NEVER:
        return False
    raise ValueError(f"unknown mail setting {when!r}; use one of {', '.join(MailWhen)}")


def build_message(mail: Mail, settings: SmtpSettings) -> EmailMessage:
    """Build the MIME message: text with an HTML alternative, then the attachments.

    An attachment that cannot be read is left out (logged): the summary matters more.
    """
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = settings.mail_from
    message["To"] = ", ".join(settings.mail_to)
    message["Date"] = formatdate(localtime=True)
    # An explicit domain: make_msgid() would otherwise ask DNS for our FQDN, which can hang.
    domain = settings.mail_from.rpartition("@")[2].strip(" >") or "hubsync.invalid"
    message["Message-ID"] = make_msgid("hubsync", domain=domain)
    # quoted-printable keeps the message 7-bit clean for servers without 8BITMIME.
    message.set_content(mail.text, charset="utf-8", cte="quoted-printable")
    message.add_alternative(mail.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for path in mail.attachments:
        try:
            data = path.read_bytes()
        except OSError as exc:
            log.warning("attachment %s not sent: %s", path, exc.strerror or exc)
            continue
        kind, _ = mimetypes.guess_type(path.name)
        maintype, _, subtype = (kind or "application/octet-stream").partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)
    return message


def send_mail(mail: Mail, settings: SmtpSettings) -> None:
    """Send `mail` to every recipient in `settings`; raises MailError on any SMTP, TLS or network
    failure (also when some recipients were refused)."""
    message = build_message(mail, settings)
    with _mail_errors(settings), _session(settings) as server:
        refused = server.send_message(
            message, from_addr=settings.mail_from, to_addrs=list(settings.mail_to)
        )
    if refused:
        names = ", ".join(
            f"{rcpt} ({code} {_text(answer)})" for rcpt, (code, answer) in refused.items()
        )
        where = f"{settings.host}:{settings.port}"
        raise MailError(
            _scrub(f"SMTP {where}: recipients refused: {names} (delivered to the others)", settings)
        )


def check_smtp(settings: SmtpSettings) -> str:
    """Connect, secure and log in without sending anything (for `hubsync check`).

    Returns what was checked; raises MailError like `send_mail`.
    """
    with _mail_errors(settings), _session(settings) as server:
        server.noop()
    login = f"logged in as {settings.user}" if settings.user else "no login"
    return f"{settings.security}, {login}"


@contextmanager
def _session(settings: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """An SMTP connection, secured and logged in as the settings say; closed on exit."""
    context = _tls_context(settings)
    server: smtplib.SMTP
    if settings.security == SmtpSecurity.SSL:
        server = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with server:
        if settings.security == SmtpSecurity.STARTTLS:
            server.starttls(context=context)
        if settings.user:
            server.login(settings.user, settings.password or "")
        yield server


@contextmanager
def _mail_errors(settings: SmtpSettings) -> Iterator[None]:
    """Turn smtplib, socket and ssl errors into MailError naming host:port, never the password."""
    where = f"{settings.host}:{settings.port}"
    try:
        yield
    except UnicodeEncodeError:
        # smtplib sends credentials as ASCII only; the exception would carry the password.
        raise MailError(
            f"SMTP {where}: non-ASCII characters in the user or password "
            "(SMTP login supports ASCII only)"
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(_scrub(f"SMTP {where}: {_describe(exc, settings)}", settings)) from exc


def _tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=settings.ca_file)
    if not settings.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _describe(exc: BaseException, settings: SmtpSettings) -> str:
    """One line saying what went wrong and, where it helps, what to check."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"login as {settings.user!r} rejected ({exc.smtp_code} {_text(exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        hint = " (check SMTP_SECURITY: starttls, ssl or none)" if "STARTTLS" in str(exc) else ""
        return f"{exc}{hint}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"sender {settings.mail_from} refused ({exc.smtp_code} {_text(exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"all recipients refused ({', '.join(exc.recipients)})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"server answered {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"TLS certificate not trusted ({exc.verify_message}); "
            "set HUBSYNC_CA_FILE to the CA that signed it, or fix the server's certificate"
        )
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or exc}); check the port and the security setting"
    if isinstance(exc, socket.gaierror):
        return f"host not found ({exc.strerror})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running, is the port right?)"
    if isinstance(exc, TimeoutError):
        return f"no answer within {settings.timeout:g} s"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"server closed the connection ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer


def _scrub(message: str, settings: SmtpSettings) -> str:
    # Belt and braces: no server answer should echo the password, but never pass it on.
    return scrub(message, [settings.password or ""])
