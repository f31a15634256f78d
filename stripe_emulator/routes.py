"""URL map of the emulated ``/v1`` API and the hosted pages."""

from __future__ import annotations

from werkzeug.routing import Map, Rule

from . import api, api_money, hosted

V1 = [
    ("POST", "/v1/accounts", api.create_account),
    ("GET", "/v1/accounts", api.list_accounts),
    ("GET", "/v1/accounts/<obj_id>", api.retrieve_account),
    ("POST", "/v1/accounts/<obj_id>", api.update_account),
    ("POST", "/v1/accounts/<obj_id>/login_links", api.create_login_link),
    ("POST", "/v1/account_links", api.create_account_link),
    ("POST", "/v1/customers", api.create_customer),
    ("GET", "/v1/customers", api.list_customers),
    ("GET", "/v1/customers/<obj_id>", api.retrieve_customer),
    ("POST", "/v1/checkout/sessions", api.create_session),
    ("GET", "/v1/checkout/sessions", api.list_sessions),
    ("GET", "/v1/checkout/sessions/<obj_id>", api.retrieve_session),
    ("POST", "/v1/checkout/sessions/<obj_id>/expire", api.expire_session),
    ("POST", "/v1/payment_intents", api.create_payment_intent),
    ("GET", "/v1/payment_intents", api.list_payment_intents),
    ("GET", "/v1/payment_intents/<obj_id>", api.retrieve_payment_intent),
    ("POST", "/v1/payment_intents/<obj_id>", api.update_payment_intent),
    ("POST", "/v1/payment_intents/<obj_id>/confirm", api.confirm_payment_intent),
    ("POST", "/v1/payment_intents/<obj_id>/capture", api.capture_payment_intent),
    ("POST", "/v1/payment_intents/<obj_id>/cancel", api.cancel_payment_intent),
    ("GET", "/v1/charges", api.list_charges),
    ("GET", "/v1/charges/<obj_id>", api.retrieve_charge),
    ("GET", "/v1/payment_methods/<obj_id>", api.retrieve_payment_method),
    ("POST", "/v1/transfers", api_money.create_transfer),
    ("GET", "/v1/transfers", api_money.list_transfers),
    ("GET", "/v1/transfers/<obj_id>", api_money.retrieve_transfer),
    ("POST", "/v1/transfers/<obj_id>/reversals", api_money.create_reversal),
    ("GET", "/v1/transfers/<obj_id>/reversals", api_money.list_reversals),
    ("POST", "/v1/refunds", api_money.create_refund),
    ("GET", "/v1/refunds", api_money.list_refunds),
    ("GET", "/v1/refunds/<obj_id>", api_money.retrieve_refund),
    ("GET", "/v1/balance", api_money.retrieve_balance),
    ("GET", "/v1/balance_transactions", api_money.list_balance_transactions),
    ("GET", "/v1/balance_transactions/<obj_id>", api_money.retrieve_balance_transaction),
    ("GET", "/v1/events", api_money.list_events),
    ("GET", "/v1/events/<obj_id>", api_money.retrieve_event),
]

HOSTED = [
    ("/hosted/onboarding/<obj_id>", hosted.onboarding),
    ("/hosted/express/<obj_id>", hosted.express_dashboard),
    ("/hosted/checkout/<obj_id>", hosted.checkout_page),
    ("/hosted/authenticate/<obj_id>", hosted.authenticate_page),
]


def build_map() -> Map:
    """Endpoints are ``("api", handler)`` or ``("hosted", handler)`` tuples."""
    rules = [Rule(path, methods=[method], endpoint=("api", fn)) for method, path, fn in V1]
    rules += [Rule(path, methods=["GET", "POST"], endpoint=("hosted", fn))
              for path, fn in HOSTED]
    rules.append(Rule("/", methods=["GET"], endpoint=("dashboard", None)))
    return Map(rules, strict_slashes=False)
