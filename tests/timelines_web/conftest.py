"""Fixtures of the timelines page tests."""

import pytest

from tests.support import free_port
from tests.timelines_web.helpers import TODAY


@pytest.fixture
def today(monkeypatch):
    """Fix the service's idea of today (handlers read tracker.clock.today_london)."""
    monkeypatch.setattr("tracker.clock.today_london", lambda: TODAY)
    return TODAY


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        from email import message_from_bytes

        message = message_from_bytes(envelope.content)
        self.messages.append(
            {
                "to": envelope.rcpt_tos,
                "subject": message["Subject"],
                "body": message.get_payload(decode=True).decode(),
            }
        )
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    yield inbox
    controller.stop()
