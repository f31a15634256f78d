"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from marketplace import create_app
from marketplace.core.heap import freeze_startup_objects

app = create_app()
freeze_startup_objects()  # each worker imports this module once, after its fork
