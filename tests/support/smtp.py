"""A real SMTP server (aiosmtpd) on a loopback port that keeps what it receives."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    """aiosmtpd handler: stores every accepted message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages.append(message_from_bytes(envelope.original_content or b"",
                                                    policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


class SmtpServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def start(self, attempts: int = 5) -> SmtpServer:
        """Serve; the free port picked may be taken meanwhile (another suite runs beside
        this one in CI), so pick another and retry."""
        for attempt in range(attempts):
            try:
                self._controller.start()
                return self
            except OSError:  # aiosmtpd's bind failed (EADDRINUSE)
                if attempt == attempts - 1:
                    raise
                self.port = free_port()
                self._controller = Controller(self.mailbox, hostname="127.0.0.1",
                                              port=self.port)
        return self

    def stop(self) -> None:
        self._controller.stop()
