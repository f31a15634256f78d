"""URL map of the emulated ``/v1`` API and the hosted pages.

Each API route names the SDK's parameter definition it accepts (``stripe.params.<name>``,
see :mod:`.strict`): anything outside it is refused as Stripe refuses it.
"""

from __future__ import annotations

from werkzeug.routing import Map, Rule

from . import api, api_money, api_more, hosted

V1 = [
    ("POST", "/v1/accounts", api.create_account, "AccountCreateParams"),
    ("GET", "/v1/accounts", api.list_accounts, "AccountListParams"),
    ("GET", "/v1/accounts/<obj_id>", api.retrieve_account, "AccountRetrieveParams"),
    ("POST", "/v1/accounts/<obj_id>", api.update_account, "AccountUpdateParams"),
    ("POST", "/v1/accounts/<obj_id>/login_links", api.create_login_link,
     "AccountLoginLinkCreateParams"),
    ("POST", "/v1/accounts/<obj_id>/external_accounts", api_more.create_external_account,
     "AccountExternalAccountCreateParams"),
    ("POST", "/v1/account_links", api.create_account_link, "AccountLinkCreateParams"),
    ("POST", "/v1/customers", api.create_customer, "CustomerCreateParams"),
    ("GET", "/v1/customers", api.list_customers, "CustomerListParams"),
    ("GET", "/v1/customers/<obj_id>", api.retrieve_customer, "CustomerRetrieveParams"),
    ("POST", "/v1/customers/<obj_id>", api_more.update_customer, "CustomerUpdateParams"),
    ("DELETE", "/v1/customers/<obj_id>", api_more.delete_customer, "CustomerDeleteParams"),
    ("POST", "/v1/checkout/sessions", api.create_session, "checkout.SessionCreateParams"),
    ("GET", "/v1/checkout/sessions", api.list_sessions, "checkout.SessionListParams"),
    ("GET", "/v1/checkout/sessions/<obj_id>", api.retrieve_session,
     "checkout.SessionRetrieveParams"),
    ("POST", "/v1/checkout/sessions/<obj_id>/expire", api.expire_session,
     "checkout.SessionExpireParams"),
    ("POST", "/v1/payment_intents", api.create_payment_intent, "PaymentIntentCreateParams"),
    ("GET", "/v1/payment_intents", api.list_payment_intents, "PaymentIntentListParams"),
    ("GET", "/v1/payment_intents/<obj_id>", api.retrieve_payment_intent,
     "PaymentIntentRetrieveParams"),
    ("POST", "/v1/payment_intents/<obj_id>", api.update_payment_intent,
     "PaymentIntentUpdateParams"),
    ("POST", "/v1/payment_intents/<obj_id>/confirm", api.confirm_payment_intent,
     "PaymentIntentConfirmParams"),
    ("POST", "/v1/payment_intents/<obj_id>/capture", api.capture_payment_intent,
     "PaymentIntentCaptureParams"),
    ("POST", "/v1/payment_intents/<obj_id>/cancel", api.cancel_payment_intent,
     "PaymentIntentCancelParams"),
    ("POST", "/v1/setup_intents", api_more.create_setup_intent, "SetupIntentCreateParams"),
    ("GET", "/v1/setup_intents", api_more.list_setup_intents, "SetupIntentListParams"),
    ("GET", "/v1/setup_intents/<obj_id>", api_more.retrieve_setup_intent,
     "SetupIntentRetrieveParams"),
    ("POST", "/v1/setup_intents/<obj_id>", api_more.update_setup_intent,
     "SetupIntentUpdateParams"),
    ("POST", "/v1/setup_intents/<obj_id>/confirm", api_more.confirm_setup_intent,
     "SetupIntentConfirmParams"),
    ("POST", "/v1/setup_intents/<obj_id>/cancel", api_more.cancel_setup_intent,
     "SetupIntentCancelParams"),
    ("GET", "/v1/charges", api.list_charges, "ChargeListParams"),
    ("GET", "/v1/charges/<obj_id>", api.retrieve_charge, "ChargeRetrieveParams"),
    ("POST", "/v1/payment_methods", api_more.create_payment_method,
     "PaymentMethodCreateParams"),
    ("GET", "/v1/payment_methods/<obj_id>", api.retrieve_payment_method,
     "PaymentMethodRetrieveParams"),
    ("GET", "/v1/disputes", api_more.list_disputes, "DisputeListParams"),
    ("GET", "/v1/disputes/<obj_id>", api_more.retrieve_dispute, "DisputeRetrieveParams"),
    ("POST", "/v1/disputes/<obj_id>", api_more.update_dispute, "DisputeUpdateParams"),
    ("POST", "/v1/disputes/<obj_id>/close", api_more.close_dispute, "DisputeCloseParams"),
    ("POST", "/v1/payouts", api_more.create_payout, "PayoutCreateParams"),
    ("GET", "/v1/payouts", api_more.list_payouts, "PayoutListParams"),
    ("GET", "/v1/payouts/<obj_id>", api_more.retrieve_payout, "PayoutRetrieveParams"),
    ("POST", "/v1/payouts/<obj_id>", api_more.update_payout, "PayoutUpdateParams"),
    ("POST", "/v1/payouts/<obj_id>/cancel", api_more.cancel_payout, "PayoutCancelParams"),
    ("POST", "/v1/transfers", api_money.create_transfer, "TransferCreateParams"),
    ("GET", "/v1/transfers", api_money.list_transfers, "TransferListParams"),
    ("GET", "/v1/transfers/<obj_id>", api_money.retrieve_transfer, "TransferRetrieveParams"),
    ("POST", "/v1/transfers/<obj_id>", api_more.update_transfer, "TransferUpdateParams"),
    ("POST", "/v1/transfers/<obj_id>/reversals", api_money.create_reversal,
     "TransferReversalCreateParams"),
    ("GET", "/v1/transfers/<obj_id>/reversals", api_money.list_reversals,
     "TransferReversalListParams"),
    ("POST", "/v1/refunds", api_money.create_refund, "RefundCreateParams"),
    ("GET", "/v1/refunds", api_money.list_refunds, "RefundListParams"),
    ("GET", "/v1/refunds/<obj_id>", api_money.retrieve_refund, "RefundRetrieveParams"),
    ("POST", "/v1/refunds/<obj_id>", api_more.update_refund, "RefundUpdateParams"),
    ("GET", "/v1/balance", api_money.retrieve_balance, "BalanceRetrieveParams"),
    ("GET", "/v1/balance_transactions", api_money.list_balance_transactions,
     "BalanceTransactionListParams"),
    ("GET", "/v1/balance_transactions/<obj_id>", api_money.retrieve_balance_transaction,
     "BalanceTransactionRetrieveParams"),
    ("GET", "/v1/events", api_money.list_events, "EventListParams"),
    ("GET", "/v1/events/<obj_id>", api_money.retrieve_event, "EventRetrieveParams"),
]

HOSTED = [
    ("/hosted/onboarding/<obj_id>", hosted.onboarding),
    ("/hosted/express/<obj_id>", hosted.express_dashboard),
    ("/hosted/checkout/<obj_id>", hosted.checkout_page),
    ("/hosted/authenticate/<obj_id>", hosted.authenticate_page),
]


def build_map() -> Map:
    """Endpoints are ``("api", (handler, params name))``, ``("hosted", handler)`` tuples."""
    rules = [Rule(path, methods=[method], endpoint=("api", (fn, params)))
             for method, path, fn, params in V1]
    rules += [Rule(path, methods=["GET", "POST"], endpoint=("hosted", fn))
              for path, fn in HOSTED]
    rules.append(Rule("/", methods=["GET"], endpoint=("dashboard", None)))
    return Map(rules, strict_slashes=False)
