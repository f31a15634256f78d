"""The push providers: logging by default, FCM HTTP v1 against a local fake FCM server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask

from marketplace.notifications import senders


class FakeFcm(BaseHTTPRequestHandler):
    """Answers like FCM: by the token it is sent to."""

    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeFcm.received.append({"path": self.path, "auth": self.headers["Authorization"],
                                 "body": body})
        token = body["message"]["token"]
        status, answer = {
            "dead-token": (404, {"error": {"code": 404, "status": "UNREGISTERED"}}),
            "busy-token": (503, {"error": {"code": 503, "status": "UNAVAILABLE"}}),
            "quota-token": (429, {"error": {"code": 429, "status": "QUOTA_EXCEEDED"}}),
            "mismatch-token": (403, {"error": {"code": 403, "status": "SENDER_ID_MISMATCH"}}),
        }.get(token, (200, {"name": "projects/entraide/messages/1"}))
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def fcm() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeFcm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeFcm.received.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_logging_is_the_default(app: Flask) -> None:
    with app.app_context():
        assert isinstance(senders.push_provider(), senders.LoggingPushProvider)
        senders.push_provider().send("fcm", "token-123", "Hello", "World", {})


def test_fcm_http_v1_message(fcm: str) -> None:
    provider = senders.FcmPushProvider("entraide", "ya29.test", fcm)
    provider.send("fcm", "good-token", "Mission accepted", "Karim takes it", {"mission": "7"})
    [sent] = FakeFcm.received
    assert sent["path"] == "/v1/projects/entraide/messages:send"
    assert sent["auth"] == "Bearer ya29.test"
    assert sent["body"] == {"message": {
        "token": "good-token", "notification": {"title": "Mission accepted",
                                                "body": "Karim takes it"},
        "data": {"mission": "7"}}}


@pytest.mark.parametrize(("token", "error"), [
    ("dead-token", senders.DeadDeviceToken), ("busy-token", senders.TransientSendError),
    ("quota-token", senders.TransientSendError),
    ("mismatch-token", senders.PermanentSendError)])
def test_fcm_errors_are_classified(fcm: str, token: str, error: type[Exception]) -> None:
    provider = senders.FcmPushProvider("entraide", "ya29.test", fcm)
    with pytest.raises(error):
        provider.send("fcm", token, "t", "b", {})


def test_unreachable_fcm_is_transient_and_apns_tokens_need_their_adapter() -> None:
    provider = senders.FcmPushProvider("entraide", "ya29.test", "http://127.0.0.1:9")
    with pytest.raises(senders.TransientSendError):
        provider.send("fcm", "good-token", "t", "b", {})
    with pytest.raises(senders.PermanentSendError):
        provider.send("apns", "apns-token", "t", "b", {})
