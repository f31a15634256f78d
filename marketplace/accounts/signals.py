"""What happens to accounts, announced for whoever listens (notifications subscribe).

Sent inside the transaction of the change, like `missions.signals`, with the user as sender:
receivers only add rows to it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Someone tried to sign up with the email of an existing account: its owner hears of it
# (the visitor is told the same thing whether or not the account exists).
signup_with_existing_email = _signals.signal("signup-with-existing-email")  # sender: the user

# A new account must confirm its email: its owner is sent the signed link (the token).
email_confirmation_requested = _signals.signal("email-confirmation-requested")  # sender: the user
