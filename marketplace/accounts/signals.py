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

# Someone asked to reset the password of this account: its owner is sent the signed link.
password_reset_requested = _signals.signal("password-reset-requested")  # sender: the user

# The owner asked to use another email address: the new address is sent the signed link
# (`new_email`, `token`); nothing changes until it is opened.
email_change_requested = _signals.signal("email-change-requested")  # sender: the user

# The email address changed: the old address is told (`old_email`).
email_changed = _signals.signal("email-changed")  # sender: the user

# The password changed (reset or changed on /account): the owner is told.
password_changed = _signals.signal("password-changed")  # sender: the user

# RGPD: a person downloads their data. Domains above accounts that hold personal data
# (notifications) answer with a dict of sections to add to the archive.
personal_data_requested = _signals.signal("personal-data-requested")  # sender: the user

# RGPD: an account is being erased, in the transaction of the erasure: receivers delete or
# blank the person's rows that they own.
account_erasing = _signals.signal("account-erasing")  # sender: the user
