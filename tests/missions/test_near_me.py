"""Missions near me: within the helper's radius, matching a skill, nearest first."""

from __future__ import annotations

import random

from flask.testing import FlaskClient

from marketplace.core.geo import haversine_km
from marketplace.missions.lifecycle import MatchingMode
from marketplace.missions.matching.nearby import open_missions_near
from tests.support.factories import Factories
from tests.support.forms import login


def test_lists_open_matching_missions_in_radius_nearest_first(client: FlaskClient,
                                                              make: Factories) -> None:
    helper = make.helper(lat=48.9146, lng=2.2874, radius_km=3, skills=("bricolage",))
    near = make.mission(lat=48.9160, lng=2.2880)            # ~0.16 km
    farther = make.mission(lat=48.9300, lng=2.2874)         # ~1.7 km
    make.mission(lat=48.8566, lng=2.3522)                   # Paris centre, ~7.8 km
    make.mission(lat=48.9150, lng=2.2870, category="garde-enfants")  # wrong skill
    make.mission(lat=48.9150, lng=2.2870, authorized=False)          # card not authorized
    login(client, helper.email)
    page = client.get("/helper/missions").get_data(as_text=True)
    assert page.index(f"#{near.id} ") < page.index(f"#{farther.id} ")
    assert page.count('class="card mission"') == 2
    assert "0.5 km" in page and "1.5 km" in page  # rounded to 0.5 km (privacy)


def test_same_set_as_brute_force_on_random_points(ctx: object, make: Factories) -> None:
    rng = random.Random(7)
    helper = make.helper(lat=48.9, lng=2.3, radius_km=4, skills=("bricolage",))
    client = make.client()
    points = [(48.9 + rng.uniform(-0.08, 0.08), 2.3 + rng.uniform(-0.12, 0.12))
              for _ in range(60)]
    for lat, lng in points:  # 'choose': listed across the whole radius, no wave to wait for
        make.mission(client, lat=lat, lng=lng, mode=MatchingMode.CHOOSE)
    profile = helper.helper_profile
    assert profile is not None
    found = open_missions_near(profile, limit=1000)
    expected = sorted(haversine_km(48.9, 2.3, lat, lng) for lat, lng in points
                      if haversine_km(48.9, 2.3, lat, lng) <= 4)
    assert [round(n.distance_km, 9) for n in found] == [round(d, 9) for d in expected]
