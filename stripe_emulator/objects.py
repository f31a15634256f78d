"""Builders for Stripe objects, each starting from the fixture template.

Placeholder values in the fixtures (``{"type": "type"}``, fake sources, shipping costs...)
are replaced by realistic values or ``null`` so apps never depend on nonsense.
"""

from __future__ import annotations

from typing import Any

from .cards import TestCard
from .fixtures import fill, template

REQUIREMENTS_DUE = [
    "external_account",
    "individual.address.city",
    "individual.address.line1",
    "individual.address.postal_code",
    "individual.dob.day",
    "individual.dob.month",
    "individual.dob.year",
    "individual.email",
    "individual.first_name",
    "individual.last_name",
    "tos_acceptance.date",
    "tos_acceptance.ip",
]


def empty_list(url: str) -> dict[str, Any]:
    """A nested list object (``refunds``, ``reversals``, ``external_accounts``)."""
    return {"object": "list", "data": [], "has_more": False, "url": url}


def account(
    acct_id: str, now: int, *, type_: str, country: str, email: str | None,
    business_type: str | None, metadata: dict[str, str], capabilities: list[str],
) -> dict[str, Any]:
    """A connected account that still has to go through onboarding."""
    obj = template("account")
    obj["business_profile"]["annual_revenue"] = None
    obj["settings"]["dashboard"]["display_name"] = email
    obj["settings"]["payouts"]["schedule"] = {"delay_days": 7, "interval": "daily"}
    obj["requirements"].update(
        currently_due=list(REQUIREMENTS_DUE), eventually_due=list(REQUIREMENTS_DUE),
        past_due=list(REQUIREMENTS_DUE), disabled_reason="requirements.past_due",
    )
    return fill(
        obj, id=acct_id, created=now, type=type_, country=country,
        default_currency="eur" if country != "US" else "usd", email=email,
        business_type=business_type, metadata=metadata,
        capabilities={name: "inactive" for name in capabilities},
        controller={"type": "application"} if type_ != "standard" else {"type": "account"},
        charges_enabled=False, payouts_enabled=False, details_submitted=False,
        external_accounts=empty_list(f"/v1/accounts/{acct_id}/external_accounts"),
        tos_acceptance={"date": None, "ip": None, "user_agent": None},
    )


def complete_onboarding(obj: dict[str, Any], now: int, ip: str) -> None:
    """What Stripe does once the hosted Express form is submitted and verified."""
    obj.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
    obj["capabilities"] = {name: "active" for name in obj["capabilities"] or {"transfers": 1}}
    obj["requirements"].update(
        currently_due=[], eventually_due=[], past_due=[], pending_verification=[],
        disabled_reason=None, current_deadline=None,
    )
    obj["tos_acceptance"] = {"date": now, "ip": ip, "user_agent": "stripe-emulator"}


def account_link(url: str, now: int, ttl: int = 300) -> dict[str, Any]:
    """The link object; the URL is the emulator's hosted onboarding page."""
    return fill(template("account_link"), url=url, created=now, expires_at=now + ttl)


def customer(cus_id: str, now: int, params: dict[str, Any]) -> dict[str, Any]:
    """A customer (fixture discount/shipping placeholders cleared)."""
    return fill(
        template("customer"), id=cus_id, created=now, currency=None, discount=None,
        shipping=None, email=params.get("email"), name=params.get("name"),
        phone=params.get("phone"), description=params.get("description"),
        metadata=params.get("metadata", {}), invoice_prefix=cus_id[-8:].upper(),
        address=None,
    )


def payment_method(
    pm_id: str, now: int, card: TestCard, exp_month: int, exp_year: int,
    customer: str | None, name: str | None = None,
) -> dict[str, Any]:
    """A card PaymentMethod for a test card."""
    obj = template("payment_method")
    obj["billing_details"].update(
        address={k: None for k in obj["billing_details"]["address"]},
        email=None, name=name, phone=None,
    )
    card_obj = obj["card"]
    card_obj.update(
        brand=card.brand, display_brand=card.brand, country=card.country,
        exp_month=exp_month, exp_year=exp_year, funding=card.funding, last4=card.last4,
        fingerprint=card.number[-16:].replace("0", "X")[:16], generated_from=None,
        networks={"available": [card.brand], "preferred": None}, wallet=None,
        regulated_status="unregulated",
    )
    card_obj["checks"]["cvc_check"] = "pass"
    return fill(obj, id=pm_id, created=now, customer=customer, metadata={})


def payment_intent(
    pi_id: str, now: int, *, amount: int, currency: str, capture_method: str,
    customer: str | None, metadata: dict[str, str], transfer_group: str | None,
    description: str | None = None,
) -> dict[str, Any]:
    """A fresh PaymentIntent awaiting a payment method."""
    return fill(
        template("payment_intent"), id=pi_id, created=now, amount=amount, currency=currency,
        capture_method=capture_method, customer=customer, metadata=metadata,
        transfer_group=transfer_group, description=description,
        client_secret=f"{pi_id}_secret_{pi_id[-12:]}", amount_details={"tip": {}},
        automatic_payment_methods=None, canceled_at=None, last_payment_error=None,
        next_action=None, payment_method_configuration_details=None,
        payment_method_options={"card": {"request_three_d_secure": "automatic"}},
        processing=None, shipping=None, transfer_data=None, source=None,
        managed_payments=None, status="requires_payment_method", amount_capturable=0,
        amount_received=0,
    )


def charge(
    ch_id: str, now: int, pi: dict[str, Any], pm: dict[str, Any], card: TestCard,
    receipt_base: str,
) -> dict[str, Any]:
    """A charge for ``pi`` paid with ``pm`` (success shape; callers adjust failures)."""
    obj = template("charge")
    obj["billing_details"] = pm["billing_details"]
    details = obj["payment_method_details"]["card"]
    details.update(
        amount_authorized=pi["amount"], brand=card.brand, country=card.country,
        exp_month=pm["card"]["exp_month"], exp_year=pm["card"]["exp_year"],
        fingerprint=pm["card"]["fingerprint"], funding=card.funding, installments=None,
        last4=card.last4, network=card.brand, three_d_secure=None, wallet=None,
        authorization_code="123456", regulated_status="unregulated",
        network_transaction_id=ch_id[-15:], transaction_link_id=None,
        overcapture={"maximum_amount_capturable": pi["amount"], "status": "unavailable"},
    )
    details["checks"]["cvc_check"] = "pass"
    return fill(
        obj, id=ch_id, created=now, amount=pi["amount"], amount_captured=0,
        balance_transaction=None, currency=pi["currency"], customer=pi["customer"],
        description=pi["description"], metadata=dict(pi["metadata"]),
        outcome={
            "advice_code": None, "network_advice_code": None, "network_decline_code": None,
            "network_status": "approved_by_network", "reason": None,
            "seller_message": "Payment complete.", "type": "authorized",
        },
        payment_intent=pi["id"], payment_method=pm["id"],
        receipt_url=f"{receipt_base}/receipts/{ch_id}", refunds=empty_list(
            f"/v1/charges/{ch_id}/refunds"), shipping=None, source=None, transfer_data=None,
        transfer_group=pi["transfer_group"], calculated_statement_descriptor="STRIPE EMULATOR",
        captured=False, paid=True, status="succeeded",
    )


def decline_charge(obj: dict[str, Any], card: TestCard) -> None:
    """Turn a charge into the failed charge Stripe records for a decline."""
    obj.update(
        paid=False, status="failed", failure_code=card.code, failure_message=card.message,
        outcome={
            "advice_code": "try_again_later", "network_advice_code": None,
            "network_decline_code": None, "network_status": "declined_by_network",
            "reason": card.decline_code, "seller_message": "The bank did not return any "
            "further details with this decline.", "type": "issuer_declined",
        },
    )
    obj["payment_method_details"]["card"]["authorization_code"] = None
