"""CLI: ``python -m stripe_emulator --port 12111 --webhook-url ...``.

Used by ``make run`` so the whole app works offline against a local "Stripe"; refused when
``ENTRAIDE_ENV=production`` (a test and demo tool, never beside the real app).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading

from .server import StripeEmulator


def main(argv: list[str] | None = None) -> int:
    """Parse flags, refuse production, start the emulator, block until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m stripe_emulator",
                                     description="Stateful Stripe API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook-url", action="append", default=[],
                        help="endpoint receiving signed events (repeatable)")
    parser.add_argument("--webhook-secret", action="append", default=[],
                        help="signing secret for the matching --webhook-url")
    parser.add_argument("--state-file", default=None,
                        help="JSON file loaded at start and rewritten after each change")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    if os.environ.get("ENTRAIDE_ENV") == "production":
        print("stripe-emulator: refused with ENTRAIDE_ENV=production "
              "(a test and demo tool; production talks to Stripe itself)", file=sys.stderr)
        return 2
    if len(args.webhook_secret) != len(args.webhook_url):
        parser.error("give one --webhook-secret per --webhook-url")
    emulator = StripeEmulator(
        webhook_endpoints=list(zip(args.webhook_url, args.webhook_secret, strict=True)),
        state_file=args.state_file, log_requests=not args.quiet,
    )
    base_url = emulator.start(host=args.host, port=args.port)
    print(f"stripe-emulator listening on {base_url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
