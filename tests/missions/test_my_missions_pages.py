"""My missions: a client with years of missions loads one page at a time, newest first,
and follows "older" links to the rest (nothing loads an unbounded list)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from marketplace.missions.services.missions import MY_MISSIONS_PAGE
from tests.support.factories import Factories
from tests.support.forms import login


def _listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<a href="/missions/(\d+)">#', html)]


def test_my_missions_are_paged_newest_first_with_an_older_link(client: FlaskClient,
                                                              make: Factories) -> None:
    owner = make.client()
    posted = [make.mission(owner, authorized=False).id for _ in range(MY_MISSIONS_PAGE + 3)]
    login(client, owner.email)
    first = client.get("/missions").get_data(as_text=True)
    assert _listed(first) == sorted(posted, reverse=True)[:MY_MISSIONS_PAGE]
    older = re.search(r'href="([^"]+)" id="posted-next"', first)
    assert older is not None
    second = client.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert _listed(second) == sorted(posted, reverse=True)[MY_MISSIONS_PAGE:]
    assert 'id="posted-next"' not in second
    assert '<p class="pagination"><a href="/missions">' in second  # back to the newest


def test_a_page_start_that_is_not_an_id_is_a_400(client: FlaskClient, make: Factories) -> None:
    owner = make.client()
    login(client, owner.email)
    assert client.get("/missions?posted=abc").status_code == 400
    assert client.get("/missions?taken=-1").status_code == 400
