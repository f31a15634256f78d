"""Server facade: state file persistence, CLI, dashboard, concurrency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import stripe

from stripe_emulator import StripeEmulator
from stripe_emulator.errors import StripeError

ROOT = Path(__file__).resolve().parents[2]


def _client(base_url: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_x", base_addresses={"api": base_url})


def test_state_file_survives_restart(tmp_path):
    state = tmp_path / "instance" / "stripe-emulator.json"
    with StripeEmulator(state_file=state) as emu:
        client = _client(emu.start())
        acct = client.v1.accounts.create(params={"type": "express"})
        cus = client.v1.customers.create(params={"email": "p@x.fr"},
                                         options={"idempotency_key": "persist"})
    assert json.loads(state.read_text())["objects"][acct.id]["object"] == "account"
    assert not list(state.parent.glob("*.tmp"))
    with StripeEmulator(state_file=state) as emu:
        client = _client(emu.start())
        assert client.v1.accounts.retrieve(acct.id).id == acct.id
        replay = client.v1.customers.create(params={"email": "p@x.fr"},
                                            options={"idempotency_key": "persist"})
        assert replay.id == cus.id
        assert emu.get(cus.id)["email"] == "p@x.fr"


def test_concurrent_requests(emulator, base_url):
    client = _client(base_url)

    def create(i: int) -> str:
        return client.v1.customers.create(params={"email": f"{i}@x.fr"}).id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(create, range(40)))
    assert len(set(ids)) == 40 and len(emulator.objects("customer")) == 40


def test_dashboard(emulator, base_url, client):
    client.v1.customers.create(params={"email": "d@x.fr"})
    with urllib.request.urlopen(f"{base_url}/", timeout=5) as resp:  # noqa: S310
        html = resp.read().decode()
    assert "Recent objects" in html and "cus_" in html


def test_cli_prints_listening_line(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "stripe_emulator", "--port", "0", "--quiet",
         "--state-file", str(tmp_path / "s.json"), "--webhook-url", "http://127.0.0.1:9/x",
         "--webhook-secret", "whsec_x"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("stripe-emulator listening on http://127.0.0.1:")
        base_url = line.rsplit(" ", 1)[1]
        assert _client(base_url).v1.balance.retrieve().object == "balance"
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
    assert proc.returncode == 0


def test_cli_refused_in_production(tmp_path):
    env = {**os.environ, "ENTRAIDE_ENV": "production"}
    proc = subprocess.run(
        [sys.executable, "-m", "stripe_emulator", "--port", "0", "--quiet",
         "--state-file", str(tmp_path / "s.json")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=30, check=False,
    )
    assert proc.returncode != 0
    assert "refused with ENTRAIDE_ENV=production" in proc.stderr
    assert "listening" not in proc.stdout and not (tmp_path / "s.json").exists()


def test_shortcut_helpers(emulator, flows, client):
    acct = flows.account(onboard=False)
    assert emulator.complete_onboarding(acct.id)["payouts_enabled"] is True
    session = flows.session()
    pi = emulator.pay_checkout_session(session.id)
    assert pi["status"] == "requires_capture"
    assert client.v1.checkout.sessions.retrieve(session.id).status == "complete"
    declined = flows.session()
    with pytest.raises(StripeError) as exc:
        emulator.pay_checkout_session(declined.id, "4000000000000002")
    assert exc.value.code == "card_declined" and exc.value.status == 402
    emulator.advance_time(3600)
    later = client.v1.customers.create(params={"email": "t@x.fr"})
    assert later.created >= acct.created + 3600
    emulator.reset()
    assert emulator.objects("account") == [] and emulator.events() == []
