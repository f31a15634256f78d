"""Payments services: checkout and holds, capture, payouts, refunds, disputes, receivables,
bank payouts, onboarding, fee rules, reports and reconciliation."""
