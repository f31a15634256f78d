"""The one SQLAlchemy handle, created unbound over our declarative base (bound in create_app)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_sqlalchemy import SQLAlchemy

from marketplace.core.models import Base

db = SQLAlchemy(model_class=Base)

# The base of every model. Flask-SQLAlchemy builds `db.Model` at runtime (our Base plus its
# own mixins), which a type checker cannot follow; to mypy the models derive from Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
