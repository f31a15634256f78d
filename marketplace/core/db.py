"""The one SQLAlchemy handle, created unbound over our declarative base (bound in create_app)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_sqlalchemy import SQLAlchemy

from marketplace.core.base import Base

if TYPE_CHECKING:
    import sqlalchemy

    class _SQLAlchemy(SQLAlchemy):
        """What mypy sees: Flask-SQLAlchemy hands out SQLAlchemy's names (`db.select`,
        `db.text`) through __getattr__, typed Any; as attributes set on the instance they
        keep SQLAlchemy's own (overloaded) signatures, so the statements are typed."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.select = sqlalchemy.select
            self.text = sqlalchemy.text
else:
    _SQLAlchemy = SQLAlchemy

db = _SQLAlchemy(model_class=Base)

# The base of every model. Flask-SQLAlchemy builds `db.Model` at runtime (our Base plus its
# own mixins), which a type checker cannot follow; to mypy the models derive from Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
