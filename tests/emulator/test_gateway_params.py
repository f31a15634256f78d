"""Every call the app's gateway makes is accepted by the emulator's strict parameters.

The emulator refuses what Stripe refuses (an unknown or misspelt parameter, an enum value
outside the SDK's definitions), so walking every public method of the real
``StripeGateway`` against it proves the parameters the app sends exist in the pinned API
version. A new gateway method must be added to the walk (the coverage check fails until it
is), so a typo in a new call fails CI rather than production.
"""

from __future__ import annotations

import inspect

import pytest
import stripe

from marketplace.payments.gateway import CheckoutRequest
from marketplace.payments.gateway.stripe_adapter import StripeGateway

from .conftest import WEBHOOK_SECRET

NOT_CALLS = {"v1", "parse_webhook"}  # the raw client; signature checking (no request)


def _walk(gw: StripeGateway, flows, emulator) -> set[str]:
    called: set[str] = set()

    def call(name: str, *args, **kwargs):
        called.add(name)
        return getattr(gw, name)(*args, **kwargs)

    acct = call("create_express_account", "h@x.fr", {"helper_profile_id": "3"}, "k:acct")
    assert acct.id.startswith("acct_")
    url = call("create_onboarding_link", acct.id, "http://app.test/r", "http://app.test/ok",
               "k:link")
    assert url.startswith(emulator.base_url)
    emulator.complete_onboarding(acct.id)
    assert call("retrieve_account", acct.id).id == acct.id
    assert call("create_login_link", acct.id, "k:login").startswith(emulator.base_url)
    customer = call("create_customer", "c@x.fr", "Client", {"user_id": "7"}, "k:cus")
    session = call("create_checkout_session", CheckoutRequest(
        amount_cents=4500, currency="eur", product_name="Mission #4", customer_id=customer,
        transfer_group="mission-4", success_url="http://app.test/ok?s={CHECKOUT_SESSION_ID}",
        cancel_url="http://app.test/no", metadata={"mission_id": "4", "payment_id": "9"},
        idempotency_key="k:cs"))
    emulator.pay_checkout_session(session.id)
    paid = call("retrieve_checkout_session", session.id)
    setup = call("create_setup_session", customer, "http://app.test/ok", "http://app.test/no",
                 {"user_id": "7"}, "k:setup", submit_message="Your card is kept for later.")
    assert setup.id != paid.id
    hold = call("authorize_off_session", 2000, "eur", customer, "pm_card_visa", "mission-5",
                {"mission_id": "5"}, "k:hold")
    call("retrieve_payment_intent", hold.id)
    call("cancel_payment_intent", hold.id, "k:cancel")
    pi_id = emulator.objects("payment_intent")[0]["id"]
    captured = call("capture_payment_intent", pi_id, 4500, "k:capture")
    charge = emulator.get(pi_id)["latest_charge"]
    transfer = call("create_transfer", 3825, "eur", acct.id, charge, "mission-4",
                    {"payout_id": "1"}, "k:tr")
    assert call("find_transfer", "mission-4", "payout_id", "1") == transfer
    call("reverse_transfer", transfer.id, 500, {"refund_id": "2"}, "k:trr")
    call("create_refund", charge, 500, {"refund_id": "2"}, "k:re")
    assert call("list_events_since", 0, page_size=5)
    assert call("list_balance_transactions")
    assert captured is not None
    return called


def test_every_gateway_call_is_accepted_by_the_strict_emulator(flows, emulator, base_url):
    gw = StripeGateway("sk_test_emulator", WEBHOOK_SECRET, api_base=base_url)
    called = _walk(gw, flows, emulator)
    public = {name for name, _ in inspect.getmembers(StripeGateway)
              if not name.startswith("_")} - NOT_CALLS
    assert public - called == set(), "walk these new gateway methods here"


def test_a_misspelt_parameter_fails_like_stripe(base_url):
    gw = StripeGateway("sk_test_emulator", WEBHOOK_SECRET, api_base=base_url)
    with pytest.raises(stripe.InvalidRequestError,
                       match="Received unknown parameter: trasnfer_group") as unknown:
        gw.v1.payment_intents.create(params={"amount": 100, "currency": "eur",
                                             "trasnfer_group": "m-1"})
    assert unknown.value.http_status == 400 and unknown.value.param == "trasnfer_group"
    with pytest.raises(stripe.InvalidRequestError) as refused:
        gw.v1.payment_intents.create(params={
            "amount": 100, "currency": "eur",
            "payment_method_options": {"card": {"request_three_d_secure": "always"}}})
    assert refused.value.param == "payment_method_options[card][request_three_d_secure]"
