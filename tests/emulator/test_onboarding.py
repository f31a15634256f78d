"""Express onboarding through account links and the hosted page."""

from __future__ import annotations

APP = "http://app.test"


def test_new_express_account_is_not_enabled(flows):
    acct = flows.account(onboard=False)
    assert acct.type == "express" and acct.country == "FR" and acct.default_currency == "eur"
    assert not acct.charges_enabled and not acct.payouts_enabled and not acct.details_submitted
    assert acct.requirements.currently_due
    assert acct.capabilities.to_dict() == {"transfers": "inactive"}
    assert acct.metadata["helper_profile_id"] == "3"


def test_onboarding_flow(flows, client, emulator):
    acct = flows.account(onboard=False)
    link = flows.link(acct.id)
    assert link.url.startswith(f"{emulator.base_url}/hosted/onboarding/")
    assert link.expires_at - link.created == 300

    page = flows.browser.get(link.url)
    assert page.status == 200
    assert "Stripe Express onboarding (emulator)" in page.text and acct.id in page.text
    assert "Agree and submit" in page.text and "<script" not in page.text
    action, fields = page.form()
    assert action == f"/hosted/onboarding/{link.url.rsplit('/', 1)[1]}"
    assert fields["iban"].startswith("FR") and fields["full_name"]
    done = flows.browser.submit(page, flows.base_url)
    assert done.status == 303 and done.location == f"{APP}/onboarding/return"

    acct = client.v1.accounts.retrieve(acct.id)
    assert acct.charges_enabled and acct.payouts_enabled and acct.details_submitted
    assert acct.requirements.currently_due == []
    assert acct.capabilities["transfers"] == "active"
    updated = emulator.events("account.updated")
    assert updated[-1]["data"]["object"]["details_submitted"] is True


def test_link_is_single_use(flows):
    acct = flows.account(onboard=False)
    link = flows.link(acct.id)
    page = flows.browser.get(link.url)
    again = flows.browser.get(link.url)
    assert again.status == 303 and again.location == f"{APP}/onboarding/refresh"
    assert flows.browser.submit(page, flows.base_url).status == 303
    replay = flows.browser.submit(page, flows.base_url)
    assert replay.location == f"{APP}/onboarding/refresh"


def test_expired_link_redirects_to_refresh(flows, emulator):
    acct = flows.account(onboard=False)
    link = flows.link(acct.id)
    emulator.store.clock_offset = 301
    page = flows.browser.get(link.url)
    assert page.status == 303 and page.location == f"{APP}/onboarding/refresh"


def test_account_link_for_unknown_account(flows, client):
    import stripe

    try:
        flows.link("acct_doesnotexist")
    except stripe.InvalidRequestError as exc:
        assert exc.param == "account" and exc.code == "resource_missing"
    else:
        raise AssertionError("expected an error")


def test_login_links_need_a_finished_express_onboarding(flows, client):
    import pytest
    import stripe

    pending = flows.account(onboard=False)
    with pytest.raises(stripe.InvalidRequestError, match="not completed onboarding"):
        client.v1.accounts.login_links.create(pending.id)
    done = flows.account()
    link = client.v1.accounts.login_links.create(done.id)
    page = flows.browser.get(link.url)
    assert page.status == 200 and done.id in page.text and "2606" in page.text
    assert flows.browser.get(link.url).status == 410  # single use
    onboarding_url = link.url.replace("/hosted/express/", "/hosted/onboarding/")
    assert flows.browser.get(onboarding_url).status == 404  # not an onboarding link
