"""RGPD right to erasure: delete an account, keeping the money records the law requires.

Refused while something of the person's is still open (a mission in progress, a payout
not settled, a dispute, a fee owed or to be paid): each reason is listed. Otherwise, in one
transaction: the user row stays (payments, payouts and ledger transactions point at it and
French law keeps accounting records for 10 years) but is pseudonymised: name "Utilisateur
supprimé", a unique non-deliverable email, no phone, an unusable password, every session
ended; the helper profile, skills and availability are deleted; the addresses of their
missions, the bodies of their messages and applications and their review comments are
blanked; their notifications and settings are deleted (by the notifications package,
which subscribes to `account_erasing`). Amounts, the ledger and Stripe ids
are untouched, so `flask ledger check` balances as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, delete, func, or_, select, update

from marketplace.accounts import signals
from marketplace.accounts.credentials import check_password
from marketplace.accounts.models import AvailabilitySlot, TimeOff, User
from marketplace.accounts.sessions import bump_session_version
from marketplace.core import audit
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.matching.models import MissionOffer
from marketplace.missions.models import Message, Mission, Review
from marketplace.payments.models import ClientReceivable, Dispute, Payout
from marketplace.payments.status import DisputeStatus, PayoutStatus, ReceivableStatus

DELETED_NAME = "Utilisateur supprimé"
UNUSABLE_PASSWORD = "!deleted"  # noqa: S105  (not an argon2 hash: no password matches it)
OPEN_MISSION = (MissionStatus.PENDING_PAYMENT, MissionStatus.OPEN, MissionStatus.ASSIGNED,
                MissionStatus.DONE, MissionStatus.DISPUTED)
OPEN_PAYOUT = (PayoutStatus.SCHEDULED, PayoutStatus.HELD, PayoutStatus.FAILED)
OPEN_RECEIVABLE = (ReceivableStatus.OUTSTANDING, ReceivableStatus.FAILED)


class AccountStillInUse(Conflict):
    """Something of the person's is still open: `kinds` says what, `reasons` tells them."""

    def __init__(self, open_items: dict[str, int]) -> None:
        super().__init__("The account still has open missions or money.")
        self.kinds = sorted(open_items)
        self.reasons = [REASONS[kind](n) for kind, n in open_items.items()]


REASONS: dict[str, Callable[[int], Any]] = {
    "missions": lambda n: _l("%(n)s mission(s) still in progress: finish or cancel them "
                             "first.", n=n),
    "payouts": lambda n: _l("%(n)s payout(s) not settled yet: wait until they are paid.",
                            n=n),
    "disputes": lambda n: _l("%(n)s dispute(s) still open: our team must resolve them "
                             "first.", n=n),
    "receivables": lambda n: _l("%(n)s fee(s) still to be collected: wait until they are "
                                "settled.", n=n),
}


def deleted_email(user_id: int) -> str:
    """Unique per account and never delivered (.invalid is reserved, RFC 2606)."""
    return f"deleted-{user_id}@deleted.invalid"


def _count(query: Select[Any]) -> int:
    return int(db.session.execute(
        select(func.count()).select_from(query.subquery())).scalar_one())


def open_obligations(user: User) -> dict[str, int]:
    """What keeps the account from being deleted yet, by kind (empty: nothing)."""
    mine = or_(Mission.client_id == user.id, Mission.helper_id == user.id)
    counts = {
        "missions": _count(db.select(Mission.id).where(mine, Mission.status.in_(OPEN_MISSION))),
        "payouts": _count(db.select(Payout.id).where(Payout.helper_id == user.id,
                                                     Payout.status.in_(OPEN_PAYOUT))),
        "disputes": _count(db.select(Dispute.id).join(Mission, Mission.id == Dispute.mission_id)
                           .where(mine, Dispute.status == DisputeStatus.OPEN)),
        "receivables": _count(db.select(ClientReceivable.id).where(
            or_(ClientReceivable.client_id == user.id, ClientReceivable.helper_id == user.id),
            ClientReceivable.status.in_(OPEN_RECEIVABLE))),
    }
    return {kind: n for kind, n in counts.items() if n}


def delete_account(user: User, password: str) -> None:
    """Erase or pseudonymise `user`'s personal data (see the module docstring). Commits."""
    check_password(user, password)
    still_open = open_obligations(user)
    if still_open:
        raise AccountStillInUse(still_open)
    _erase_helper_profile(user)
    _blank_content(user)
    signals.account_erasing.send(user)  # notifications delete theirs
    user.full_name, user.email, user.phone = DELETED_NAME, deleted_email(user.id), None
    user.password_hash = UNUSABLE_PASSWORD
    user.is_client = user.is_helper = False
    user.failed_logins, user.failed_logins_since, user.locked_until = 0, None, None
    user.deleted_at = utcnow()
    bump_session_version(user)
    audit.record(user, "account.deleted", "user", user.id,
                 note="deleted by its owner; money records kept (legal retention)")
    db.session.commit()


def _erase_helper_profile(user: User) -> None:
    profile = user.helper_profile
    if profile is None:
        return
    for model in (AvailabilitySlot, TimeOff):
        db.session.execute(delete(model).where(model.helper_profile_id == profile.id))
    db.session.delete(profile)  # its skills go with it (cascade)
    db.session.flush()


def _blank_content(user: User) -> None:
    db.session.execute(update(Mission).where(Mission.client_id == user.id)
                       .values(address="", description=""))
    db.session.execute(update(Message).where(Message.author_id == user.id).values(body=""))
    db.session.execute(update(Review).where(Review.author_id == user.id).values(comment=""))
    db.session.execute(update(MissionOffer).where(MissionOffer.helper_id == user.id)
                       .values(message=None))

