"""Development mailbox behind `make run`: an SMTP server on loopback that prints each email
(recipient, subject, text) and keeps it as a file in a directory (instance/mailbox/ by
default), which the development-only page /dev/mailbox lists.

    python scripts/mail_sink.py [--host 127.0.0.1] [--port 8025] [--dir instance/mailbox]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class PrintingMailbox:
    """aiosmtpd handler: prints the decoded text part of every message it accepts and keeps
    the raw message as `<time>-<n>.eml` in `directory`."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory, self.count = directory, 0
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or b""
        message = message_from_bytes(raw, policy=policy.default)
        body = message.get_body(("plain",)) if isinstance(message, EmailMessage) else None
        text = body.get_content() if body is not None else "(no text part)"
        print(f"\n--- mail to {message['To']}: {message['Subject']}\n{text}", flush=True)
        if self.directory is not None:
            self.count += 1
            name = f"{time.time_ns()}-{self.count:05d}.eml"
            (self.directory / (name + ".part")).write_bytes(raw)
            (self.directory / (name + ".part")).rename(self.directory / name)  # whole files only
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", default="instance/mailbox", help="where emails are kept")
    args = parser.parse_args()
    controller = Controller(PrintingMailbox(Path(args.dir)), hostname=args.host, port=args.port)
    controller.start()
    print(f"mail sink: SMTP on {args.host}:{args.port}, emails printed here and kept in "
          f"{args.dir}/", flush=True)

    async def until_stopped() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()

    try:
        asyncio.run(until_stopped())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
