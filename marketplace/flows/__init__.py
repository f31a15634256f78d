"""Use cases that move a mission and its money together: booking, confirm and capture,
cancel with fees, expire and release, dispute outcomes, refunds that call a mission off.

The only layer that calls both `missions` and `payments` services; the web, the API and
the workers call these.
"""
