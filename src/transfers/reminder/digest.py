"""E-mail digests: one message per owner listing the reminders due today, sent over SMTP."""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Iterable, Sequence
from datetime import date
from email.message import EmailMessage

from transfers.rules.deadlines import Deadline
from transfers.settings import Settings


def build_digest(
    owner: str, deadlines: Sequence[Deadline], *, sender: str, as_of: date
) -> EmailMessage:
    overdue = [d for d in deadlines if d.report_on < as_of]
    subject = f"transfers: {len(deadlines)} deadline{'s' if len(deadlines) != 1 else ''}"
    if overdue:
        subject += f" ({len(overdue)} overdue)"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = owner
    message["Subject"] = subject
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a digest
    lines = [f"Deadlines for {owner} as of {as_of.isoformat()}:", ""]
    for d in deadlines:
        status = "OVERDUE" if d.report_on < as_of else f"in {(d.report_on - as_of).days} days"
        lines.append(
            f"- {d.report_on.isoformat()} ({status}) {d.title} [{d.vendor_name}; {d.citation}]"
        )
    message.set_content("\n".join(lines) + "\n")
    rows = "".join(
        f"<tr><td>{d.report_on.isoformat()}</td><td>{html.escape(d.title)}</td><td>{html.escape(d.vendor_name)}</td>"
        f"<td>{html.escape(d.citation)}</td></tr>"
        for d in deadlines
    )
    message.add_alternative(
        f"<p>Deadlines for {html.escape(owner)} as of {as_of.isoformat()}:</p>"
        f"<table><tr><th>Date</th><th>What</th><th>Vendor</th><th>Basis</th></tr>{rows}</table>",
        subtype="html",
    )
    return message


def send_messages(messages: Iterable[EmailMessage], settings: Settings) -> int:
    """Send over one SMTP connection (plain, STARTTLS or implicit TLS, per settings)."""
    batch = list(messages)
    if not batch:
        return 0
    if settings.smtp_username and settings.smtp_tls == "none":
        raise OSError(
            "refusing to send SMTP credentials without TLS: set TRANSFERS_SMTP_TLS to starttls or ssl"
        )
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.smtp_tls == "ssl":
        smtp = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, context=context, timeout=30)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
    with smtp:
        if settings.smtp_tls == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        for message in batch:
            smtp.send_message(message)
    return len(batch)
