"""Production refuses to start half-configured or pointed at the emulator."""

from __future__ import annotations

import pytest

from config import config_for

PROD = {"SECRET_KEY": "s" * 32, "DATABASE_URL": "postgresql+psycopg://db/x",
        "CELERY_BROKER_URL": "redis://r:6379/0", "STRIPE_SECRET_KEY": "sk_live_abc",
        "STRIPE_PUBLISHABLE_KEY": "pk_live_abc", "STRIPE_WEBHOOK_SECRET": "whsec_abc",
        "PUBLIC_BASE_URL": "https://entraide.example"}


@pytest.fixture
def prod_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in PROD.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("STRIPE_API_BASE", raising=False)
    return monkeypatch


def test_production_starts_with_its_secrets(prod_env: pytest.MonkeyPatch) -> None:
    cfg = config_for("production")
    assert cfg.SESSION_COOKIE_SECURE and cfg.SESSION_COOKIE_HTTPONLY
    assert cfg.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.parametrize("missing", sorted(PROD))
def test_production_refuses_a_missing_secret(prod_env: pytest.MonkeyPatch, missing: str) -> None:
    prod_env.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        config_for("production")


def test_production_refuses_the_emulator(prod_env: pytest.MonkeyPatch) -> None:
    prod_env.setenv("STRIPE_API_BASE", "http://127.0.0.1:12111")
    with pytest.raises(RuntimeError, match="emulator"):
        config_for("production")


@pytest.mark.parametrize("name", ["STRIPE_WEBHOOK_SECRET", "STRIPE_CONNECT_WEBHOOK_SECRET"])
def test_production_refuses_the_emulators_webhook_secret(prod_env: pytest.MonkeyPatch,
                                                         name: str) -> None:
    prod_env.setenv(name, "whsec_entraide_emulator")
    with pytest.raises(RuntimeError, match=f"{name} is the emulator's secret"):
        config_for("production")


def test_defaults_are_embedded(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "STRIPE_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENTRAIDE_INSTANCE_DIR", str(tmp_path))
    cfg = config_for("development")
    assert f"sqlite:///{tmp_path / 'entraide.sqlite'}" == cfg.SQLALCHEMY_DATABASE_URI
    assert cfg.CELERY_BROKER_URL.startswith("sqla+sqlite:///")
