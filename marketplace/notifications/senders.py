"""Channels to the outside world: SMTP email, and SMS through a provider interface."""

from __future__ import annotations

import base64
import json
import logging
import smtplib
import urllib.parse
import urllib.request
from email.message import EmailMessage
from typing import Protocol, cast

from flask import Flask, current_app

log = logging.getLogger(__name__)


class TransientSendError(Exception):
    """The provider may accept the message later: retry with backoff."""


class PermanentSendError(Exception):
    """Retrying will not help (refused address, bad credentials)."""


def send_email(to: str, subject: str, text: str, html: str, message_id: str) -> None:
    """Send over SMTP; the Message-ID is derived from our row so clients can spot repeats."""
    cfg = current_app.config
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, cfg["MAIL_SENDER"], to
    msg["Message-ID"] = message_id
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentSendError(str(exc)) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise TransientSendError(str(exc)) from exc


class SmsProvider(Protocol):
    def send(self, to: str, text: str) -> None: ...


class LoggingSmsProvider:
    """The default: SMS are written to the log (development, tests, no provider contract)."""

    def send(self, to: str, text: str) -> None:
        log.info("sms to %s: %s", to, text)


class TwilioSmsProvider:
    """Twilio's Messages API: form-encoded POST with HTTP basic auth."""

    def __init__(self, account_sid: str, auth_token: str, sender: str, base_url: str) -> None:
        self.url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        token = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}",
                        "Content-Type": "application/x-www-form-urlencoded"}
        self.sender = sender

    def send(self, to: str, text: str) -> None:
        body = urllib.parse.urlencode({"To": to, "From": self.sender, "Body": text}).encode()
        request = urllib.request.Request(self.url, data=body, headers=self.headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code == 429:
                raise TransientSendError(f"sms provider answered {exc.code}") from exc
            raise PermanentSendError(f"sms provider refused: {exc.code}") from exc
        except OSError as exc:
            raise TransientSendError(str(exc)) from exc


def init_sms(app: Flask) -> None:
    """Pick the SMS provider from SMS_PROVIDER (logging by default)."""
    cfg = app.config
    provider: SmsProvider = LoggingSmsProvider()
    if cfg.get("SMS_PROVIDER") == "twilio":
        provider = TwilioSmsProvider(cfg["TWILIO_ACCOUNT_SID"], cfg["TWILIO_AUTH_TOKEN"],
                                     cfg["TWILIO_FROM"], cfg["TWILIO_BASE_URL"])
    app.extensions["sms_provider"] = provider


def sms_provider() -> SmsProvider:
    return cast(SmsProvider, current_app.extensions["sms_provider"])
