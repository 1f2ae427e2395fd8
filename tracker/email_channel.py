"""The one email channel: GOV.UK Notify when NOTIFY_API_KEY is set, SMTP otherwise.

A sender builds an `Email` with both forms of its content: the subject and plain-text body SMTP
sends, and the template's name and personalisation Notify fills in. Each Notify template's id is
a setting, NOTIFY_TEMPLATE_<NAME> (README, Running in production). A failed send raises
`EmailFailed` (an OSError, as a dropped SMTP connection is), so callers handle both alike.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from tracker.settings import Settings


@dataclass(frozen=True)
class Email:
    to: str
    template: str  # the Notify template's name: its id is the setting NOTIFY_TEMPLATE_<TEMPLATE>
    subject: str
    body: str
    personalisation: Mapping[str, object] = field(default_factory=dict)
    reference: str = ""  # Notify's reference: ours, to find the notification again


class EmailFailed(OSError):
    """The email was not accepted for delivery."""


class EmailChannel(Protocol):
    name: str

    def send(self, email: Email) -> None: ...


class SmtpChannel:
    name = "SMTP"

    def __init__(self, settings: Settings) -> None:
        self.host, self.port, self.sender = settings.smtp_host, settings.smtp_port, settings.smtp_sender

    def send(self, email: Email) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message.set_content(email.body)
        with smtplib.SMTP(self.host, self.port, timeout=30) as client:
            client.send_message(message)


class NotifyChannel:
    name = "GOV.UK Notify"

    def __init__(self, settings: Settings) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.templates = dict(settings.notify_templates)
        self.client = NotificationsAPIClient(settings.notify_api_key, base_url=settings.notify_base_url)

    def send(self, email: Email) -> None:
        from notifications_python_client.errors import APIError

        template_id = self.templates.get(email.template)
        if not template_id:
            setting = f"NOTIFY_TEMPLATE_{email.template.upper()}"
            raise EmailFailed(f"No GOV.UK Notify template for {email.template}: set {setting}")
        try:
            self.client.send_email_notification(
                email_address=email.to,
                template_id=template_id,
                personalisation=dict(email.personalisation),
                reference=email.reference or None,
            )
        except APIError as error:
            raise EmailFailed(f"GOV.UK Notify refused the email: {error}") from error
        except OSError as error:  # requests' connection errors are OSErrors
            raise EmailFailed(f"GOV.UK Notify could not be reached: {error}") from error


def email_channel(settings: Settings) -> EmailChannel:
    return NotifyChannel(settings) if settings.notify_api_key else SmtpChannel(settings)
