"""A real SMTP server on loopback (aiosmtpd) that keeps what arrives, for the email tests."""
import asyncio
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler: every message accepted, parsed, kept in order."""

    def __init__(self):
        self.messages = []
        self.refuse = False  # True: answer every message "451 try again later"
        self.delay = 0  # seconds to wait before answering a message (a slow server)
        self.receiving = 0  # messages whose DATA arrived, answered or not

    async def handle_DATA(self, server, session, envelope):
        self.receiving += 1
        if self.delay:  # cancelled, unaccepted, if the sender goes away meanwhile
            await asyncio.sleep(self.delay)
        if self.refuse:
            return "451 Requested action aborted: try again later"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address):
        """The messages addressed to address, in arrival order."""
        return [message for message in self.messages if address in message.envelope_to]

    @staticmethod
    def text(message):
        """The plain-text part of a multipart message."""
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message):
        """The HTML part of a multipart message."""
        return message.get_body(preferencelist=("html",)).get_content()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    """A running SMTP server: smtp.inbox holds what arrived, smtp.config the MAIL_* settings."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    controller.inbox = inbox
    controller.config = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                         "MAIL_DEFAULT_SENDER": "Coaching Forum <forum@example.org>",
                         "MAIL_TIMEOUT": 5, "FORUM_PUBLIC_URL": "https://coach.example"}
    try:
        yield controller
    finally:
        controller.stop()
