"""Development mailbox behind `make run`: an SMTP server on loopback that prints each email
(recipient, subject, text) so a person can follow a sign-up confirmation link.

    python scripts/mail_sink.py [--host 127.0.0.1] [--port 8025]
"""

from __future__ import annotations

import argparse
import asyncio
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class PrintingMailbox:
    """aiosmtpd handler: prints the decoded text part of every message it accepts."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        body = message.get_body(("plain",)) if isinstance(message, EmailMessage) else None
        text = body.get_content() if body is not None else "(no text part)"
        print(f"\n--- mail to {message['To']}: {message['Subject']}\n{text}", flush=True)
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args()
    controller = Controller(PrintingMailbox(), hostname=args.host, port=args.port)
    controller.start()
    print(f"mail sink: SMTP on {args.host}:{args.port}, emails printed here", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
