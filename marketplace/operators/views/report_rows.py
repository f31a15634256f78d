"""The commission report's rows, bars and breakdowns, formatted in Python before it renders.

Operators page through the report 50 rows at a time. Rendered in Jinja, a row cost
~0.15 ms (seven money filters, a date, two labels and a url_for through the template
runtime) and the weekly chart translated and formatted a tooltip per bar: together about
half of the page's time. Here each cell is a memoised look-up (money, dates and labels are
cached per language) and each link fills a pattern built once per page, so the template
only writes out strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marketplace.core.categories import category_name
from marketplace.core.dates import localtime_formatter
from marketplace.core.i18n import money_formatter
from marketplace.core.i18n import translate as _
from marketplace.core.labels import channel_label
from marketplace.core.rows import url_pattern
from marketplace.payments.services.commission_report import Row, Sums
from marketplace.payments.services.group_report import CATEGORY as GROUP_CATEGORY


@dataclass(frozen=True)
class ReportRow:
    """One captured payment as the table shows it (amounts in the row's currency)."""

    url: str
    name: str
    captured: str
    category: str
    channel: str
    charged: str
    commission: str
    service_fee: str
    refunds: str
    stripe_fee: str
    net: str
    tips: str


@dataclass(frozen=True)
class Bar:
    """A week's bar of the chart: its geometry, its axis label and its tooltip."""

    x: int
    y: int
    w: int
    h: int
    label: str
    title: str


@dataclass(frozen=True)
class SumsRow:
    """A line of a breakdown table (by category, channel or operator)."""

    name: str
    missions: int
    charged: str
    commission: str
    service_fee: str
    refunds: str
    net: str


def report_rows(rows: list[Row]) -> list[ReportRow]:
    mission_url = url_pattern("ops_cases.mission_money")
    campaign_url = url_pattern("ops_campaigns.campaign", "campaign_id")
    group_name = _("Group purchase #%(id)s")
    money, localtime = money_formatter(), localtime_formatter()
    return [_row(r, mission_url, campaign_url, group_name, money, localtime) for r in rows]


def _row(r: Row, mission_url: Callable[[int], str], campaign_url: Callable[[int], str],
         group_name: str, money: Callable[[int, str], str],
         localtime: Callable[[datetime], str]) -> ReportRow:
    if r.campaign_id is not None:
        url, name = campaign_url(r.campaign_id), f"{group_name % {'id': r.campaign_id}} {r.title}"
    else:
        url, name = mission_url(r.mission_id or 0), f"#{r.mission_id} {r.title}"
    c = r.currency
    return ReportRow(
        url=url, name=name, captured=localtime(r.captured_at), category=category_name(r.category),
        channel=channel_label(r.channel), charged=money(r.charged_cents, c),
        commission=money(r.commission_cents, c), service_fee=money(r.service_fee_cents, c),
        refunds=money(r.refunds_cents, c), stripe_fee=money(r.stripe_fee_cents, c),
        net=money(r.net_cents, c), tips=money(r.tips_cents, c))


def bars(geometry: list[dict[str, Any]]) -> list[Bar]:
    """The chart's bars (commission_report.chart_bars) with their tooltips translated once."""
    week_of, money = _("Week of %(week)s: %(amount)s"), money_formatter()
    return [Bar(x=b["x"], y=b["y"], w=b["w"], h=b["h"], label=b["label"],
                title=week_of % {"week": b["label"], "amount": money(b["cents"], "eur")})
            for b in geometry]


def breakdowns(by_category: dict[str, Sums], by_channel: dict[str, Sums],
               by_operator: dict[str, Sums]) -> list[tuple[str, str, list[SumsRow]]]:
    """(title, id, lines) of the breakdown tables that have lines: categories and channels
    by their names in the page's language, operators by email."""
    group_purchases = _("Group purchases")

    def category(slug: str) -> str:
        return group_purchases if slug == GROUP_CATEGORY else category_name(slug)

    tables = ((_("By category"), "by-category", _lines(by_category, category)),
              (_("By channel"), "by-channel", _lines(by_channel, channel_label)),
              (_("By operator"), "by-operator", _lines(by_operator, str)))
    return [table for table in tables if table[2]]


def _lines(groups: dict[str, Sums], name: Callable[[str], str]) -> list[SumsRow]:
    money = money_formatter()
    return [SumsRow(name(key), s.missions, money(s.volume_cents, "eur"),
                    money(s.commission_cents, "eur"), money(s.service_fee_cents, "eur"),
                    money(s.refunds_cents, "eur"), money(s.net_revenue_cents, "eur"))
            for key, s in sorted(groups.items())]
