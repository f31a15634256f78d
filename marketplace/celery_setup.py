"""Celery bound to the Flask app (Flask's celery_init_app pattern).

Tasks run inside an app context; producers (the outbox) send tasks by name, so the web
app never imports the workers package.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask

VISIBILITY_TIMEOUT_S = 3 * 3600  # longer than the longest retry delay


def celery_config(app: Flask) -> dict[str, Any]:
    broker = app.config["CELERY_BROKER_URL"]
    config: dict[str, Any] = {
        "broker_url": broker,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "task_default_queue": "entraide",
        "worker_hijack_root_logger": False,
        "timezone": "UTC",
        "beat_schedule": {
            "outbox-relay": {"task": "outbox.relay", "schedule": 10.0},
            "payout-sweeper": {"task": "payouts.sweep", "schedule": 60.0},
            "notification-sweeper": {"task": "notifications.sweep", "schedule": 60.0},
            "worker-heartbeat": {"task": "ops.heartbeat", "schedule": 30.0},
            "expire-unassigned": {"task": "missions.expire_unassigned", "schedule": 600.0},
            "mission-reminders": {"task": "notifications.reminders", "schedule": 3600.0},
            "webhook-backfill": {"task": "webhooks.backfill", "schedule": 900.0},
            "webhook-sweeper": {"task": "webhooks.sweep", "schedule": 60.0},
            "ledger-check-daily": {"task": "ledger.check", "schedule": 24 * 3600.0},
            "auto-confirm": {"task": "missions.auto_confirm_due", "schedule": 300.0},
            "api-idempotency-sweep": {"task": "api.sweep_idempotency_keys", "schedule": 3600.0},
            "off-session-holds": {"task": "payments.authorize_due", "schedule": 600.0},
            "group-close-due": {"task": "group_purchases.close_due", "schedule": 60.0},
            "group-holds": {"task": "group_purchases.authorize_due", "schedule": 600.0},
            "group-abandoned": {"task": "group_purchases.abandon_stale", "schedule": 600.0},
            "group-pickup-reminders": {"task": "group_purchases.pickup_reminders",
                                       "schedule": 3600.0},
            "group-payout-sweeper": {"task": "group_purchases.sweep_payouts",
                                     "schedule": 300.0},
            "matching-sweeper": {"task": "matching.sweep",
                                 "schedule": float(app.config["MATCHING_SWEEP_SECONDS"])},
        },
    }
    if broker.startswith(("redis://", "rediss://")):
        config["broker_transport_options"] = {"visibility_timeout": VISIBILITY_TIMEOUT_S}
    return config


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(celery_config(app))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
