"""Money: the Stripe gateway, fees, payments, payouts, the ledger and webhooks."""
