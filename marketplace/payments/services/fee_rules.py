"""Fee rules: resolve them for a booking, snapshot them on the mission, let operators edit.

Decision (documented in the issue notes): the client's service fee and the default
commission are snapshotted at booking; a helper's override commission is snapshotted when
that helper is assigned (the helper sees it before accepting). Without any rule in the
table the configured defaults apply (DEFAULT_SERVICE_FEE_BPS / DEFAULT_COMMISSION_BPS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Integer, bindparam

from marketplace.accounts.models import User
from marketplace.core import audit
from marketplace.core.categories import CATEGORIES
from marketplace.core.db import db
from marketplace.core.errors import DomainError, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.money import format_cents
from marketplace.missions.models import Mission
from marketplace.payments.fees import FeeFormula, commission_split, fee_of, pick_rule
from marketplace.payments.models import FeeKind, FeeRule, MissionFeeLine


def scope_key(kind: str, category: str | None, channel: str | None,
              helper_id: int | None) -> str:
    return f"{kind}|{category or '*'}|{channel or '*'}|{helper_id or '*'}"

CHANNELS = ("web", "api", "hotline")


@dataclass(frozen=True)
class Resolved:
    formula: FeeFormula
    rule: FeeRule | None

    @property
    def basis(self) -> str:
        where = self.rule.scope_label if self.rule else "default"
        return f"{self.formula.describe(format_cents)} ({where})"


def all_rules() -> list[FeeRule]:
    return list(db.session.execute(
        db.select(FeeRule).order_by(FeeRule.kind, FeeRule.helper_id, FeeRule.category,
                                    FeeRule.channel)).scalars())


def _config_default(kind: FeeKind) -> FeeFormula:
    key = "DEFAULT_SERVICE_FEE_BPS" if kind == FeeKind.SERVICE_FEE else "DEFAULT_COMMISSION_BPS"
    return FeeFormula(bps=current_app.config[key])


def resolve(kind: FeeKind, category: str, channel: str, helper_id: int | None = None) -> Resolved:
    """The formula that applies now, by the written precedence in fees.PRECEDENCE."""
    rules = db.session.execute(db.select(FeeRule).where(FeeRule.kind == kind)).scalars().all()
    rule = pick_rule(rules, category, channel, helper_id)
    return Resolved(rule.formula if rule else _config_default(kind), rule)


def snapshot_booking(mission: Mission) -> None:
    """Take the service fee and default commission for a new mission (caller commits)."""
    channel = mission.channel.value
    service = resolve(FeeKind.SERVICE_FEE, mission.category, channel)
    commission = resolve(FeeKind.COMMISSION, mission.category, channel)
    mission.service_fee_cents = fee_of(mission.price_cents, service.formula)
    _set_commission(mission, commission.formula)
    db.session.flush()
    for kind, res, amount in ((FeeKind.SERVICE_FEE, service, mission.service_fee_cents),
                              (FeeKind.COMMISSION, commission, mission.commission_cents)):
        db.session.add(MissionFeeLine(
            mission_id=mission.id, kind=kind, helper_id=None, amount_cents=amount,
            line_key=f"{mission.id}:{kind.value}:*", basis=res.basis[:160],
            rule_id=res.rule.id if res.rule else None))


def _set_commission(mission: Mission, formula: FeeFormula) -> None:
    mission.commission_cents = commission_split(mission.price_cents, formula).fee_cents
    mission.commission_bps = formula.bps


def _line(mission: Mission, kind: FeeKind, helper_id: int | None) -> MissionFeeLine | None:
    key = f"{mission.id}:{kind.value}:{helper_id or '*'}"
    return db.session.execute(_LINES_BY_KEY, {"keys": [key]}).scalar_one_or_none()


@dataclass(frozen=True)
class HelperTerms:
    """What a helper would earn on a mission: shown before accepting, applied on accept."""

    price_cents: int
    commission_cents: int
    basis: str

    @property
    def take_home_cents(self) -> int:
        return self.price_cents - self.commission_cents


def terms_for_helper(mission: Mission, helper_id: int) -> HelperTerms:
    """The booked commission, unless this helper has an override (snapshotted or current)."""
    return terms_for_helper_many([mission], helper_id)[mission.id]


def terms_for_helper_many(missions: Sequence[Mission], helper_id: int) -> dict[int, HelperTerms]:
    """terms_for_helper for a list of missions (a page of nearby missions) in two statements
    whatever their number: the fee lines of all of them, then this helper's commission
    rules once, only if one has no line of this helper's. (A helper override outranks every
    other rule, fees.PRECEDENCE, so only the helper's own rules can change the terms.)"""
    keys = [f"{m.id}:{FeeKind.COMMISSION.value}:{who}" for m in missions
            for who in (helper_id, "*")]
    lines = {line.line_key: line for line in db.session.execute(
        _LINES_BY_KEY, {"keys": keys}).scalars()} if keys else {}
    rules: list[FeeRule] | None = None
    terms: dict[int, HelperTerms] = {}
    for m in missions:
        line = lines.get(f"{m.id}:{FeeKind.COMMISSION.value}:{helper_id}")
        if line is not None:
            terms[m.id] = HelperTerms(m.price_cents, line.amount_cents, line.basis)
            continue
        if rules is None:
            rules = list(db.session.execute(_HELPER_RULES, {"helper_id": helper_id}).scalars())
        rule = pick_rule(rules, m.category, m.channel.value, helper_id)
        if rule is not None and rule.helper_id == helper_id:
            res = Resolved(rule.formula, rule)
            amount = commission_split(m.price_cents, res.formula).fee_cents
            terms[m.id] = HelperTerms(m.price_cents, amount, res.basis)
            continue
        booked = lines.get(f"{m.id}:{FeeKind.COMMISSION.value}:*")
        terms[m.id] = HelperTerms(m.price_cents,
                                  booked.amount_cents if booked else m.commission_cents,
                                  booked.basis if booked else "booked")
    return terms


# Built once (every helper opening a mission page runs both).
_LINES_BY_KEY = db.select(MissionFeeLine).where(
    MissionFeeLine.line_key.in_(bindparam("keys", expanding=True)))
_HELPER_RULES = db.select(FeeRule).where(
    FeeRule.kind == FeeKind.COMMISSION,
    FeeRule.helper_id == bindparam("helper_id", type_=Integer()))


def apply_on_assign(mission: Mission, helper_id: int) -> None:
    """Fix the assigned helper's commission on the mission (caller commits)."""
    terms = terms_for_helper(mission, helper_id)
    override = resolve(FeeKind.COMMISSION, mission.category, mission.channel.value, helper_id)
    if _line(mission, FeeKind.COMMISSION, helper_id) is None and override.rule is not None \
            and override.rule.helper_id == helper_id:
        db.session.add(MissionFeeLine(
            mission_id=mission.id, kind=FeeKind.COMMISSION, helper_id=helper_id,
            amount_cents=terms.commission_cents, basis=terms.basis[:160],
            line_key=f"{mission.id}:commission:{helper_id}", rule_id=override.rule.id))
        mission.commission_bps = override.formula.bps
    mission.commission_cents = terms.commission_cents


def restore_booked_commission(mission: Mission) -> None:
    """When the helper leaves, the mission goes back to its booked commission."""
    booked = _line(mission, FeeKind.COMMISSION, None)
    if booked is not None:
        mission.commission_cents = booked.amount_cents


def fee_lines(mission: Mission) -> list[MissionFeeLine]:
    return list(db.session.execute(
        db.select(MissionFeeLine).where(MissionFeeLine.mission_id == mission.id)
        .order_by(MissionFeeLine.id)).scalars())


def quote(category: str, channel: str, price_cents: int) -> tuple[int, int]:
    """(service fee, total) a client would pay now for a price: shown before booking."""
    fee = fee_of(price_cents, resolve(FeeKind.SERVICE_FEE, category, channel).formula)
    return fee, price_cents + fee


# -- operator edits (audited) -----------------------------------------------------------


@dataclass(frozen=True)
class RuleInput:
    kind: FeeKind
    category: str | None
    channel: str | None
    helper_email: str | None
    formula: FeeFormula


def _helper_id(email: str | None) -> int | None:
    if not email:
        return None
    user = db.session.execute(
        db.select(User).where(User.email == email.strip().lower())).scalar_one_or_none()
    if user is None or not user.is_helper:
        raise DomainError(_l("No helper with the email %(email)s.", email=email))
    return user.id


def _validate(data: RuleInput, helper_id: int | None) -> None:
    f = data.formula
    if not 0 <= f.bps <= 10_000 or f.fixed_cents < 0:
        raise DomainError(_l("The percentage must be between 0 and 100 and the fixed part not "
                             "negative."))
    if f.min_cents is not None and f.cap_cents is not None and f.min_cents > f.cap_cents:
        raise DomainError(_l("The minimum cannot exceed the cap."))
    if helper_id is not None and (data.kind != FeeKind.COMMISSION or data.category
                                  or data.channel):
        raise DomainError(_l("A helper override is a commission rule without category/channel."))
    if data.channel and data.channel not in CHANNELS:
        raise DomainError(_l("Unknown channel."))


def save_rule(operator: User, data: RuleInput) -> FeeRule:
    """Create or replace the rule for a scope; audit before and after."""
    helper_id = _helper_id(data.helper_email)
    _validate(data, helper_id)
    key = scope_key(data.kind.value, data.category, data.channel, helper_id)
    rule = db.session.execute(
        db.select(FeeRule).where(FeeRule.scope_key == key)).scalar_one_or_none()
    before = rule.as_dict() if rule else None
    if rule is None:
        rule = FeeRule(kind=data.kind, category=data.category or None,
                       channel=data.channel or None, helper_id=helper_id, scope_key=key)
        db.session.add(rule)
    f = data.formula
    rule.bps, rule.fixed_cents, rule.min_cents, rule.cap_cents = (
        f.bps, f.fixed_cents, f.min_cents, f.cap_cents)
    db.session.flush()
    audit.record(operator, "fee_rule.save", "fee_rule", rule.id, before=before,
                 after=rule.as_dict())
    db.session.commit()
    return rule


def delete_rule(operator: User, rule_id: int) -> None:
    rule = db.session.get(FeeRule, rule_id)
    if rule is None:
        raise NotFound(_l("No such fee rule."))
    audit.record(operator, "fee_rule.delete", "fee_rule", rule.id, before=rule.as_dict())
    db.session.delete(rule)
    db.session.commit()


@dataclass(frozen=True)
class ScheduleRow:
    category: str
    service_fee: str
    commission: str


def service_fee_schedule(channel: str = "web") -> list[ScheduleRow]:
    """Per category, the fees a booking would get now: shown to clients before booking."""
    return [ScheduleRow(slug, resolve(FeeKind.SERVICE_FEE, slug, channel).formula
                        .describe(format_cents),
                        resolve(FeeKind.COMMISSION, slug, channel).formula.describe(format_cents))
            for slug in CATEGORIES]
