"""One message thread per mission between its client and its assigned helper.

Operators read and post too, and their messages say so. Before a helper is assigned the
thread is between the client and operators only; once assigned, the helper also sees the
client's contact details on the mission page (not here). Messages are plain text, at most
MAX_CHARS, shown escaped (Jinja autoescape); anyone else gets 404.
"""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import DomainError, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions.models import MAX_CHARS, Message, Mission


def _mission_for_thread(user: User, mission_id: int) -> Mission:
    mission = db.session.get(Mission, mission_id)
    allowed = mission is not None and (user.is_operator or user.id in (mission.client_id,
                                                                       mission.helper_id))
    if mission is None or not allowed:
        raise NotFound(_l("No such mission."))
    return mission


def thread(user: User, mission_id: int) -> tuple[Mission, list[Message]]:
    """The mission and its messages, oldest first (two statements whatever their number)."""
    mission = _mission_for_thread(user, mission_id)
    messages = db.session.execute(
        db.select(Message).where(Message.mission_id == mission.id).order_by(Message.id)
        .options(selectinload(Message.author))).scalars().all()
    return mission, list(messages)


def post_message(user: User, mission_id: int, body: str) -> Message:
    mission = _mission_for_thread(user, mission_id)
    text = body.strip()
    if not 1 <= len(text) <= MAX_CHARS:
        raise DomainError(_l("A message has 1 to %(max)d characters.", max=MAX_CHARS))
    party = user.id in (mission.client_id, mission.helper_id)
    message = Message(mission_id=mission.id, author_id=user.id, body=text,
                      as_operator=user.is_operator and not party)
    db.session.add(message)
    db.session.commit()
    return message
