"""The one SQLAlchemy handle, created unbound over our declarative base (bound in create_app)."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

from marketplace.core.models import Base

db = SQLAlchemy(model_class=Base)
