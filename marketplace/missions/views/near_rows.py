"""The rows of "Missions near me", formatted in Python before the page renders.

The page lists 50 missions and is the one helpers load most. Rendered in Jinja, each row
cost ~0.4 ms (an include, ten filter calls through the template runtime, two url_for, a
form macro): 20 ms of a 30 ms page. Here a row is a handful of cached look-ups (money,
dates, labels and distances are memoised per language) and two URLs filled into a pattern
built once per page; the template fills each row into markup it renders once
(core/rows.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from marketplace.core.categories import category_name
from marketplace.core.dates import localtime_formatter
from marketplace.core.i18n import money_formatter
from marketplace.core.i18n import translate as _
from marketplace.core.labels import label
from marketplace.core.rows import url_pattern
from marketplace.missions.matching.nearby import MissionCard
from marketplace.places.privacy import format_km


@dataclass(frozen=True)
class NearRow:
    """What one row shows; `action` is 'instant', 'choose', 'operator' or '' (none)."""

    id: int
    url: str
    title: str
    status: str
    category: str
    starts: str
    ends: str
    price: str
    area: str
    distance: str
    share: Markup
    action: str
    action_url: str


def take_home_sentence() -> str:
    """The catalogue's sentence (its markup is ours: <strong>) with %(share)s, %(price)s and
    %(commission)s left in: translated once per page, filled in on each row."""
    return str(_("You would receive <strong>%(share)s</strong> "
                 "(%(price)s − %(commission)s commission)."))  # noqa: RUF001


def near_rows(cards: list[MissionCard], areas: dict[int, str | None], *,
              payouts_enabled: bool) -> list[NearRow]:
    """The page's rows, nearest first (`areas`: the commune shown for each mission, None
    where only the position is known)."""
    receive, position_only = take_home_sentence(), _("position only")
    detail, accept, apply = (url_pattern("missions.detail"), url_pattern("missions.accept"),
                             url_pattern("missions.apply"))
    money, localtime = money_formatter(), localtime_formatter()
    rows = []
    for m in cards:
        action = m.mode.value if payouts_enabled or m.price_cents == 0 else ""
        price = money(m.price_cents, m.currency)
        share = Markup(receive % {  # noqa: S704  (our sentence, escaped values)
            "share": escape(money(m.helper_share_cents, m.currency)),
            "price": escape(price),
            "commission": escape(money(m.commission_cents, m.currency))}) \
            if payouts_enabled else Markup("")
        rows.append(NearRow(
            id=m.id, url=detail(m.id), title=m.title, status=label(m.status),
            category=category_name(m.category), starts=localtime(m.starts_at),
            ends=localtime(m.ends_at), price=price, area=areas.get(m.id) or position_only,
            distance=format_km(m.distance_km), share=share, action=action,
            action_url=accept(m.id) if action == "instant"
            else apply(m.id) if action == "choose" else ""))
    return rows
