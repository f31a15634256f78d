"""Channels to the outside world: SMTP email, and SMS and push through provider interfaces."""

from __future__ import annotations

import base64
import json
import logging
import smtplib
import urllib.parse
import urllib.request
from collections.abc import Mapping
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


class DeadDeviceToken(PermanentSendError):
    """The push service no longer knows this device token: forget the device."""


class PushProvider(Protocol):
    def send(self, platform: str, token: str, title: str, body: str,
             data: Mapping[str, str]) -> None: ...


class LoggingPushProvider:
    """The default: pushes are written to the log (development, tests, no provider contract)."""

    def send(self, platform: str, token: str, title: str, body: str,
             data: Mapping[str, str]) -> None:
        log.info("push to %s device %s...: %s", platform, token[:8], title)


class FcmPushProvider:
    """Firebase Cloud Messaging HTTP v1: `POST /v1/projects/<project>/messages:send` with an
    OAuth 2 bearer token (minted from the service account outside the app and passed in
    FCM_ACCESS_TOKEN). FCM registration tokens only: an iOS app registers through the
    Firebase SDK, which hands us an FCM token for its APNs one."""

    def __init__(self, project_id: str, access_token: str, base_url: str) -> None:
        self.url = f"{base_url.rstrip('/')}/v1/projects/{project_id}/messages:send"
        self.headers = {"Authorization": f"Bearer {access_token}",
                        "Content-Type": "application/json; charset=UTF-8"}

    def send(self, platform: str, token: str, title: str, body: str,
             data: Mapping[str, str]) -> None:
        if platform != "fcm":
            raise PermanentSendError(f"no push adapter for {platform} tokens")
        payload = {"message": {"token": token, "notification": {"title": title, "body": body},
                               "data": dict(data)}}
        request = urllib.request.Request(  # noqa: S310 (our configured https URL)
            self.url, data=json.dumps(payload).encode(), headers=self.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise _fcm_error(exc) from exc
        except OSError as exc:
            raise TransientSendError(str(exc)) from exc


def _fcm_error(exc: urllib.error.HTTPError) -> Exception:
    """FCM's documented answers: 404 UNREGISTERED (and 400 on a malformed token) mean the
    device is gone; 429 and 5xx may pass; anything else will not."""
    try:
        status = json.loads(exc.read() or b"{}").get("error", {}).get("status", "")
    except (ValueError, AttributeError):
        status = ""
    if exc.code == 404 or status == "UNREGISTERED" or (
            exc.code == 400 and status == "INVALID_ARGUMENT"):
        return DeadDeviceToken(f"push token refused: {exc.code} {status}")
    if exc.code == 429 or exc.code >= 500:
        return TransientSendError(f"push provider answered {exc.code}")
    return PermanentSendError(f"push provider refused: {exc.code} {status}")


def init_push(app: Flask) -> None:
    """Pick the push provider from PUSH_PROVIDER (logging by default)."""
    cfg = app.config
    provider: PushProvider = LoggingPushProvider()
    if cfg.get("PUSH_PROVIDER") == "fcm":
        provider = FcmPushProvider(cfg["FCM_PROJECT_ID"], cfg["FCM_ACCESS_TOKEN"],
                                   cfg.get("FCM_BASE_URL") or "https://fcm.googleapis.com")
    app.extensions["push_provider"] = provider


def push_provider() -> PushProvider:
    return cast(PushProvider, current_app.extensions["push_provider"])
