"""Operator lists are keyset pages: following 'Older' walks every row exactly once, and a
start we did not write is a 400, never a 500."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from marketplace.accounts import services as accounts
from marketplace.core import audit, pagination
from marketplace.core.db import db
from marketplace.core.models import AuditEntry
from tests.support.factories import PASSWORD
from tests.support.forms import login


def test_audit_pages_walk_every_entry_once(ctx: Flask) -> None:
    op = accounts.make_operator("ops@keyset.fr", PASSWORD)
    for i in range(230):
        audit.record(op, "test.entry", "thing", i, note=f"entry {i}")
    db.session.commit()
    total = db.session.query(AuditEntry).count()
    client = ctx.test_client()
    login(client, "ops@keyset.fr")
    seen: list[str] = []
    url: str | None = "/ops/audit"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r'<tr class="audit-row">.*?#(\d+)</td>', page, re.S)
        found = re.search(r'href="([^"]+)" id="page-next"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) == total and total > pagination.PAGE_SIZE * 2
    entries = pagination.by_id(db.select(AuditEntry), AuditEntry.id, size=total)
    assert entries.next_start is None and len(entries.items) == total


@pytest.mark.parametrize("path", ["/ops/audit?start=abc", "/ops/audit?start=-1",
                                  "/ops/notifications/failed?start=1e9",
                                  "/ops/queues?payouts=x", "/ops/queues?disputes=%00"])
def test_a_start_we_did_not_write_is_a_400(ctx: Flask, path: str) -> None:
    accounts.make_operator("ops@keyset.fr", PASSWORD)
    client = ctx.test_client()
    login(client, "ops@keyset.fr")
    assert client.get(path).status_code == 400
    assert client.get(path.split("?")[0] + "?start=").status_code == 200
