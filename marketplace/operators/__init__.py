"""The operator console: commissions today; hotline booking and queues later."""
