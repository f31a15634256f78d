"""Read the emails the app sent (through the real SMTP server of tests/support/smtp.py)."""

from __future__ import annotations

import re
from email.message import EmailMessage, Message

from tests.support.servers import wait_until
from tests.support.smtp import Mailbox

CONFIRM_LINK_RE = re.compile(r"/signup/confirm/[A-Za-z0-9_.\-]+")


def text_of(message: Message) -> str:
    assert isinstance(message, EmailMessage), type(message)
    part = message.get_body(("plain",))
    assert part is not None, "no text part"
    return str(part.get_content())  # type: ignore[attr-defined]


def confirmation_links(mailbox: Mailbox, address: str) -> list[str]:
    """The confirmation link paths emailed to `address`, oldest first."""
    return [match.group(0) for message in mailbox.to(address)
            if (match := CONFIRM_LINK_RE.search(text_of(message)))]


def wait_for_confirmation_link(mailbox: Mailbox, address: str, *, after: int = 0,
                               timeout: float = 60) -> str:
    """The path (`/signup/confirm/<token>`) of the newest confirmation link emailed to
    `address`, once more than `after` of them have arrived; bounded by `timeout` seconds."""
    wait_until(lambda: len(confirmation_links(mailbox, address)) > after, timeout=timeout,
               message=f"a confirmation email to {address}")
    return confirmation_links(mailbox, address)[-1]
