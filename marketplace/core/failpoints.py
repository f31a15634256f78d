"""Named failpoints for the chaos suite: a process killed at an exact line.

Inert unless ENTRAIDE_FAILPOINTS_DIR is set (never in production). Arming a point is
writing a file named after it in that folder, containing `child` (SIGKILL this process,
e.g. a Celery pool child) or `main` (SIGKILL the parent, the worker's main process). The
first process to reach the point consumes the file, so each arming fires once.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

PAYOUT_BEFORE_TRANSFER = "payout.before_transfer"
PAYOUT_AFTER_TRANSFER = "payout.after_transfer"
PAYOUT_AFTER_COMMIT = "payout.after_commit"
WEBHOOK_AFTER_HANDLER = "webhook.after_handler"
ALL = (PAYOUT_BEFORE_TRANSFER, PAYOUT_AFTER_TRANSFER, PAYOUT_AFTER_COMMIT,
       WEBHOOK_AFTER_HANDLER)


def failpoint(name: str) -> None:
    """Die here if the chaos suite armed `name`; otherwise do nothing."""
    directory = os.environ.get("ENTRAIDE_FAILPOINTS_DIR")
    if not directory:
        return
    armed = Path(directory) / name
    try:
        mode = armed.read_text().strip()
        armed.unlink()
    except FileNotFoundError:
        return  # not armed, or another process took it first
    victim = os.getppid() if mode == "main" else os.getpid()
    os.kill(victim, signal.SIGKILL)
    if victim != os.getpid():
        os.kill(os.getpid(), signal.SIGKILL)


def arm(directory: Path, name: str, mode: str = "child") -> None:
    """Arm `name` once (used by the chaos tests)."""
    if name not in ALL or mode not in ("child", "main"):
        raise ValueError(f"unknown failpoint {name!r} or mode {mode!r}")
    (directory / name).write_text(mode)
