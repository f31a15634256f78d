"""Cross-domain building blocks: model base, money, state machines, geo, errors, outbox."""
