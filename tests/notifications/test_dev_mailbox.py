"""The development mailbox: the local sink keeps each email as a file, /dev/mailbox lists
them (newest first, links clickable), and the page is refused outside development."""

from __future__ import annotations

import asyncio
import importlib.util
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

from flask import Flask
from flask.testing import FlaskClient

SINK = Path(__file__).resolve().parents[2] / "scripts" / "mail_sink.py"


def _sink_module() -> object:
    spec = importlib.util.spec_from_file_location("mail_sink", SINK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _email(to: str, subject: str, text: str) -> bytes:
    message = EmailMessage()
    message["To"], message["From"], message["Subject"] = to, "no-reply@entraide.example", subject
    message.set_content(text)
    return message.as_bytes()


def test_the_sink_keeps_emails_and_the_page_lists_them(client: FlaskClient, ctx: Flask,
                                                       tmp_path: Path) -> None:
    handler = _sink_module().PrintingMailbox(tmp_path / "mailbox")  # type: ignore[attr-defined]
    for subject in ("Confirm your email address", "Your payment link"):
        envelope = SimpleNamespace(original_content=_email(
            "claire@example.com", subject, f"{subject}: http://127.0.0.1:5000/pay/abc"))
        assert asyncio.run(handler.handle_DATA(None, None, envelope)).startswith("250")
    assert len(list((tmp_path / "mailbox").glob("*.eml"))) == 2

    assert client.get("/dev/mailbox").status_code == 404  # testing is not development
    ctx.config.update(DEV_MAILBOX=True, MAILBOX_DIR=str(tmp_path / "mailbox"))
    try:
        page = client.get("/dev/mailbox")
    finally:
        ctx.config.update(DEV_MAILBOX=False)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.index("Your payment link") < html.index("Confirm your email address")
    assert 'class="mail-link">http://127.0.0.1:5000/pay/abc' in html
    assert "claire@example.com" in html
