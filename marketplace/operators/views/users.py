"""Operators' user pages: find people, suspend and reinstate accounts (audited)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms.validators import InputRequired, Length, Optional

from marketplace.accounts.models import User
from marketplace.core.auth import role_required
from marketplace.core.converters import parse_id
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.forms import TextLine
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.routing import Routes
from marketplace.operators.services import users

routes = Routes()


class SuspendForm(FlaskForm):
    reason = TextLine(_l("Reason (the person is not shown it)"),
                      validators=[InputRequired(), Length(min=3, max=500)])


class ReinstateForm(FlaskForm):
    note = TextLine(_l("Note (optional)"), validators=[Optional(), Length(max=500)])


@routes.route("/users")
@role_required("operator")
def user_list() -> str:
    query = request.args.get("q", "")[:users.MAX_QUERY]
    page = users.search_users(query, parse_id(request.args.get("after", "")))
    return render_template("operators/users.html", page=page, query=query)


def _detail(user: User, suspend_form: SuspendForm, reinstate_form: ReinstateForm,
            status: int = 200) -> tuple[str, int]:
    return render_template("operators/users_detail.html", person=user,
                           suspend_form=suspend_form, reinstate_form=reinstate_form,
                           history=users.history(user.id)), status


@routes.route("/users/<int:user_id>")
@role_required("operator")
def user_detail(user_id: int) -> tuple[str, int]:
    return _detail(db.get_or_404(User, user_id), SuspendForm(), ReinstateForm())


@routes.route("/users/<int:user_id>/suspend", methods=["POST"])
@role_required("operator")
def suspend_user(user_id: int) -> Response | tuple[str, int]:
    user = db.get_or_404(User, user_id)
    form = SuspendForm()
    if form.validate_on_submit():
        try:
            moved = users.suspend(current_user, user.id, form.reason.data or "")
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Account suspended; %(n)s open mission(s) moved to the operator queue.",
                    n=len(moved)), "success")
            return redirect(url_for("operators.user_detail", user_id=user.id))
    return _detail(user, form, ReinstateForm(), 400)


@routes.route("/users/<int:user_id>/reinstate", methods=["POST"])
@role_required("operator")
def reinstate_user(user_id: int) -> Response | tuple[str, int]:
    user = db.get_or_404(User, user_id)
    form = ReinstateForm()
    if form.validate_on_submit():
        try:
            users.reinstate(current_user, user.id, form.note.data or "")
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Account reinstated."), "success")
            return redirect(url_for("operators.user_detail", user_id=user.id))
    return _detail(user, SuspendForm(), form, 400)
