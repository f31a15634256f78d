"""The development mailbox: the emails the local sink (scripts/mail_sink.py) received, newest
first. Refused (404) unless the app runs in development (DEV_MAILBOX)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from flask import abort, current_app, render_template

from marketplace.core.routing import Routes

routes = Routes()
LIMIT = 50
_LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Mail:
    name: str
    to: str
    subject: str
    date: str
    text: str
    links: list[str]


def read_mailbox(directory: Path, limit: int = LIMIT) -> list[Mail]:
    """The newest `limit` messages kept in `directory` (whole files only)."""
    if not directory.is_dir():
        return []
    files = sorted(directory.glob("*.eml"), reverse=True)[:limit]
    return [_read(path) for path in files]


def _read(path: Path) -> Mail:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    body = message.get_body(("plain",)) if isinstance(message, EmailMessage) else None
    text = body.get_content() if body is not None else ""
    return Mail(name=path.stem, to=str(message["To"] or ""), subject=str(message["Subject"] or ""),
                date=str(message["Date"] or ""), text=text, links=_LINK.findall(text))


@routes.route("/dev/mailbox")
def dev_mailbox() -> str:
    if not current_app.config.get("DEV_MAILBOX"):
        abort(404)
    directory = Path(current_app.config["MAILBOX_DIR"])
    return render_template("notifications/dev_mailbox.html", mails=read_mailbox(directory),
                           directory=directory)
