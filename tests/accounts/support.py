"""Read the account links (password reset, email change) out of the emails we sent."""

from __future__ import annotations

import re

from tests.support.forms import deliver_pending_emails
from tests.support.mail import text_of
from tests.support.servers import wait_until
from tests.support.smtp import Mailbox

RESET_RE = re.compile(r"/password/reset/[A-Za-z0-9_.\-]+")
EMAIL_CHANGE_RE = re.compile(r"/account/email/confirm/[A-Za-z0-9_.\-]+")


def links(mailbox: Mailbox, address: str, pattern: re.Pattern[str]) -> list[str]:
    return [m.group(0) for message in mailbox.to(address)
            if (m := pattern.search(text_of(message)))]


def emailed_link(mailbox: Mailbox, address: str, pattern: re.Pattern[str]) -> str:
    """Send what is pending; the newest link of that kind emailed to `address`."""
    deliver_pending_emails()
    wait_until(lambda: bool(links(mailbox, address, pattern)), timeout=10,
               message=f"an email to {address}")
    return links(mailbox, address, pattern)[-1]
