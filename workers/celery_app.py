"""`celery -A workers.celery_app worker` starts here: one Flask app, its Celery, the tasks."""

from __future__ import annotations

from marketplace import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]

import workers.api  # noqa: E402  (register tasks)
import workers.group_purchases  # noqa: E402
import workers.matching  # noqa: E402  (register tasks)
import workers.missions  # noqa: E402
import workers.money  # noqa: E402  (register tasks)
import workers.notifications  # noqa: E402  (register tasks)
import workers.ops  # noqa: E402
import workers.outbox  # noqa: E402
import workers.payouts  # noqa: E402
import workers.webhooks  # noqa: E402,F401
from marketplace.core.heap import freeze_startup_objects  # noqa: E402

app = celery_app
freeze_startup_objects()  # before the pool forks: its processes inherit the frozen heap
