"""Long-running processes hide their start-up objects from the garbage collector.

A web or worker process builds most of its objects once, at start: modules, the app, the
ORM's mappers, the catalogues, the Stripe SDK. The collector's full passes walk all of them
again and again although none is ever garbage; on a payout (a dozen thousand allocations)
those passes were a tenth of the time. `gc.freeze()` moves everything alive at that point
to a generation the collector never scans; what requests and tasks allocate afterwards is
collected as usual.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Call once the process has built its app (gunicorn workers, the Celery worker)."""
    gc.collect()
    gc.freeze()
