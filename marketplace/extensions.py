"""Flask extensions created unbound, bound to an app in create_app() (the database handle
is `marketplace.core.db.db`, below every domain)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

if TYPE_CHECKING:
    from typing import Protocol, TypeVar

    from flask import Flask

    _View = TypeVar("_View")

    class _CSRFProtect(Protocol):
        """The part of Flask-WTF's CSRFProtect we use (the package carries no types)."""

        def init_app(self, app: Flask) -> None: ...

        def exempt(self, view: _View) -> _View: ...


migrate = Migrate()
login_manager = LoginManager()
csrf: _CSRFProtect = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
