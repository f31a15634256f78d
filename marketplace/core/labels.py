"""What people read for the values of our status columns, modes and channels.

Pages show `mission.status|status` rather than the stored value: the label is a catalogue
msgid (English), translated for the page. A value with no label shows as itself, spaced.
"""

from __future__ import annotations

import functools
from enum import Enum

from flask_babel import lazy_pgettext

from marketplace.core.i18n import current_locale
from marketplace.core.i18n import lazy_gettext as _l

_LABELS: dict[str, dict[str, object]] = {
    "MissionStatus": {
        "pending_payment": lazy_pgettext("mission", "pending payment"),
        "open": lazy_pgettext("mission", "open"),
        "assigned": lazy_pgettext("mission", "assigned"),
        "done": lazy_pgettext("mission", "done"),
        "completed": lazy_pgettext("mission", "completed"),
        "cancelled": lazy_pgettext("mission", "cancelled"),
        "disputed": lazy_pgettext("mission", "disputed"),
    },
    "PaymentStatus": {
        "created": lazy_pgettext("payment", "created"),
        "card_saved": lazy_pgettext("payment", "card saved"),
        "authorized": lazy_pgettext("payment", "authorized"),
        "captured": lazy_pgettext("payment", "captured"),
        "failed": lazy_pgettext("payment", "failed"),
        "canceled": lazy_pgettext("payment", "canceled"),
    },
    "PayoutStatus": {
        "scheduled": lazy_pgettext("payout", "scheduled"),
        "held": lazy_pgettext("payout", "held"),
        "paid": lazy_pgettext("payout", "paid"),
        "failed": lazy_pgettext("payout", "failed"),
        "canceled": lazy_pgettext("payout", "canceled"),
    },
    "MatchingMode": {
        "instant": _l("instant"),
        "choose": _l("the client chooses"),
        "operator": _l("an operator assigns"),
    },
    # missions' and notifications' channels (two enums of the same name)
    "Channel": {"web": _l("web"), "api": _l("mobile app"), "hotline": _l("hotline"),
                "email": _l("email"), "sms": _l("SMS")},
}


# The channel filter's choices ("" = any channel).
CHANNEL_LABELS: dict[str, object] = {"": _l("any"), **{
    key: value for key, value in _LABELS["Channel"].items() if key in ("web", "api", "hotline")}}


def label(value: object) -> str:
    """The label of an enum member (by its class and value) in the current language."""
    if isinstance(value, Enum):
        name, raw = type(value).__name__, str(value.value)
        if raw in _LABELS.get(name, {}):
            return _label_text(name, raw, current_locale())
        value = value.value
    return str(value or "").replace("_", " ")


def channel_label(raw: str) -> str:
    """A booking channel stored as text (the report's rows): 'application mobile' for 'api'."""
    return _label_text("Channel", raw, current_locale()) if raw in _LABELS["Channel"] else raw


@functools.lru_cache(maxsize=1024)
def _label_text(name: str, raw: str, locale: str) -> str:
    """Translating a lazy label costs ~20 us through Flask-Babel's context lookups; a list
    shows the same few labels on every row, so each (label, language) is translated once
    per process (the catalogues do not change while it runs)."""
    return str(_LABELS[name][raw])
