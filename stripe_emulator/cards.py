"""Stripe test cards and test PaymentMethod ids, with the outcome each one produces.

Numbers and ``pm_card_*`` ids are the documented Stripe test values, so app tests written
against the emulator also make sense against real test mode.
"""

from __future__ import annotations

from dataclasses import dataclass

SUCCESS = "success"
DECLINE = "decline"
AUTHENTICATE = "authenticate"


@dataclass(frozen=True)
class TestCard:
    """Behaviour of one test card number."""

    number: str
    brand: str = "visa"
    funding: str = "credit"
    country: str = "US"
    outcome: str = SUCCESS
    code: str | None = None
    decline_code: str | None = None
    message: str | None = None
    dispute: str | None = None  # "fraudulent" (a chargeback) or "inquiry", once captured

    @property
    def last4(self) -> str:
        """Last four digits, as shown on charges and payment methods."""
        return self.number[-4:]


_DECLINED = "Your card was declined."
CARDS: dict[str, TestCard] = {
    c.number: c
    for c in (
        TestCard("4242424242424242"),
        TestCard("4000056655665556", funding="debit"),
        TestCard("5555555555554444", brand="mastercard"),
        TestCard("4000002500000003", country="FR"),
        TestCard("4000000000000002", outcome=DECLINE, code="card_declined",
                 decline_code="generic_decline", message=_DECLINED),
        TestCard("4000000000009995", outcome=DECLINE, code="card_declined",
                 decline_code="insufficient_funds", message="Your card has insufficient funds."),
        TestCard("4000000000009987", outcome=DECLINE, code="card_declined",
                 decline_code="lost_card", message=_DECLINED),
        TestCard("4000000000000069", outcome=DECLINE, code="expired_card",
                 decline_code="expired_card", message="Your card has expired."),
        TestCard("4000000000000127", outcome=DECLINE, code="incorrect_cvc",
                 decline_code="incorrect_cvc", message="Your card's security code is incorrect."),
        TestCard("4000002760003184", outcome=AUTHENTICATE),
        TestCard("4000000000000259", dispute="fraudulent"),
        TestCard("4000000000001976", dispute="inquiry"),
        TestCard("4000000000000077"),  # bypassPending: funds available at once
        TestCard("4000002500003155", outcome=AUTHENTICATE),
    )
}

TEST_PAYMENT_METHODS: dict[str, str] = {
    "pm_card_visa": "4242424242424242",
    "pm_card_visa_debit": "4000056655665556",
    "pm_card_mastercard": "5555555555554444",
    "pm_card_fr": "4000002500000003",
    "pm_card_chargeDeclined": "4000000000000002",
    "pm_card_visa_chargeDeclined": "4000000000000002",
    "pm_card_chargeDeclinedInsufficientFunds": "4000000000009995",
    "pm_card_chargeDeclinedLostCard": "4000000000009987",
    "pm_card_chargeDeclinedExpiredCard": "4000000000000069",
    "pm_card_chargeDeclinedIncorrectCvc": "4000000000000127",
    "pm_card_authenticationRequired": "4000002760003184",
    "pm_card_authenticationRequiredOnSetup": "4000002500003155",
    "pm_card_createDispute": "4000000000000259",
    "pm_card_createDisputeInquiry": "4000000000001976",
    "pm_card_bypassPending": "4000000000000077",
}

# Card tokens (``tok_visa``...): the same cards, for ``card[token]`` / ``payment_method_data``.
TEST_TOKENS: dict[str, str] = {
    "tok_" + name.removeprefix("pm_card_"): number
    for name, number in TEST_PAYMENT_METHODS.items()
}


def lookup(number: str) -> TestCard | None:
    """Find a test card by number (spaces and dashes ignored)."""
    return CARDS.get("".join(ch for ch in number if ch.isdigit()))
