"""Fee rules in use: snapshot at booking, helper overrides, operator edits with an audit."""

from __future__ import annotations

from flask.testing import FlaskClient

from marketplace.accounts import services as accounts
from marketplace.core.db import db
from marketplace.core.models import AuditEntry
from marketplace.flows import booking
from marketplace.payments.fees import FeeFormula
from marketplace.payments.models import FeeKind, FeeRule
from marketplace.payments.services import fee_rules
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form


def _operator() -> object:
    return accounts.make_operator("ops@example.com", PASSWORD)


def _rule(kind: FeeKind, formula: FeeFormula, category: str | None = None,
          channel: str | None = None, helper_email: str | None = None) -> FeeRule:
    op = _operator()
    return fee_rules.save_rule(op, fee_rules.RuleInput(kind, category, channel, helper_email,
                                                       formula))  # type: ignore[arg-type]


def test_without_rules_the_configured_defaults_apply(make: Factories) -> None:
    mission = make.mission(price_cents=4500)
    assert (mission.commission_cents, mission.service_fee_cents) == (675, 0)
    assert {line.kind for line in fee_rules.fee_lines(mission)} == set(FeeKind)


def test_booking_snapshots_fees_and_later_rule_changes_do_not_alter_it(make: Factories) -> None:
    _rule(FeeKind.SERVICE_FEE, FeeFormula(bps=500, fixed_cents=100), category="bricolage")
    _rule(FeeKind.COMMISSION, FeeFormula(bps=2000, min_cents=1000))
    mission = make.mission(price_cents=4500)
    assert mission.service_fee_cents == 325 and mission.total_cents == 4825
    assert mission.commission_cents == 1000  # 9 € raised to the 10 € minimum
    _rule(FeeKind.COMMISSION, FeeFormula(bps=100))
    _rule(FeeKind.SERVICE_FEE, FeeFormula(bps=0), category="bricolage")
    db.session.expire_all()
    assert (mission.commission_cents, mission.service_fee_cents) == (1000, 325)
    assert make.mission(price_cents=4500).commission_cents == 45


def test_a_helper_override_is_shown_before_accepting_and_applied_on_accept(
        make: Factories, client: FlaskClient) -> None:
    helper = make.helper()
    _rule(FeeKind.COMMISSION, FeeFormula(bps=500), helper_email=helper.email)
    mission = make.mission(price_cents=4500)
    assert mission.commission_cents == 675
    login(client, helper.email)
    page = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "\u2212€2.25" in page and "€42.75" in page  # commission and take-home for this helper
    booking.accept_mission(mission.id, helper)
    assert mission.commission_cents == 225 and mission.helper_share_cents == 4275
    _rule(FeeKind.COMMISSION, FeeFormula(bps=0), helper_email=helper.email)
    assert fee_rules.terms_for_helper(mission, helper.id).commission_cents == 225


def test_client_sees_fees_and_cancellation_policy_before_booking(
        make: Factories, client: FlaskClient) -> None:
    _rule(FeeKind.SERVICE_FEE, FeeFormula(bps=800), category="menage")
    user = make.client()
    login(client, user.email)
    page = client.get("/missions/new").get_data(as_text=True)
    assert "8 %" in page and "Cancellation policy" in page and "25 %" in page


def test_operator_edits_rules_and_every_change_is_audited(make: Factories,
                                                          client: FlaskClient) -> None:
    op = _operator()
    login(client, "ops@example.com")
    form = {"kind": "commission", "category": "menage", "channel": "hotline", "percent": "12.5",
            "fixed": "0.50", "minimum": "2", "cap": ""}
    assert post_form(client, "/ops/fees", form).status_code == 302
    assert post_form(client, "/ops/fees", {**form, "percent": "10"}).status_code == 302
    rule = db.session.execute(db.select(FeeRule)).scalar_one()
    assert (rule.bps, rule.fixed_cents, rule.min_cents, rule.cap_cents) == (1000, 50, 200, None)
    entries = db.session.execute(db.select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    assert [e.action for e in entries] == ["fee_rule.save", "fee_rule.save"]
    assert entries[1].actor_id == op.id  # type: ignore[attr-defined]
    assert entries[1].before["bps"] == 1250 and entries[1].after["bps"] == 1000
    page = client.get("/ops/fees").get_data(as_text=True)
    assert "menage + hotline" in page and "10 %" in page
    post_form(client, "/ops/fees", action=f"/ops/fees/{rule.id}/delete")
    assert db.session.execute(db.select(FeeRule)).first() is None
    assert client.get("/ops/audit").get_data(as_text=True).count("fee_rule.") == 3


def test_bad_rules_are_refused_with_a_form_error(make: Factories, client: FlaskClient) -> None:
    _operator()
    login(client, "ops@example.com")
    bad = [{"kind": "commission", "percent": "10", "minimum": "5", "cap": "2"},
           {"kind": "commission", "percent": "150"},
           {"kind": "service_fee", "percent": "5", "helper_email": "nobody@example.com"},
           {"kind": "bogus", "percent": "5"}]
    for form in bad:
        assert post_form(client, "/ops/fees", form).status_code == 400, form
    assert db.session.execute(db.select(FeeRule)).first() is None
    assert db.session.execute(db.select(AuditEntry)).first() is None


def test_only_operators_reach_the_money_console(make: Factories, client: FlaskClient) -> None:
    login(client, make.helper().email)
    for page in ("/ops/fees", "/ops/audit", "/ops/ledger"):
        assert client.get(page).status_code == 403
