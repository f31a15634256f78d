"""HTML for the hosted pages (onboarding, Checkout, 3DS, dashboard).

Plain forms, no JavaScript: tests and curl can drive them with GET + form POST, and a human
can click through them in a browser during demos.
"""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = """body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;color:#1a1f36}
label{display:block;margin:.6rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1rem;padding:.6rem 1.2rem;background:#635bff;color:#fff;border:0;
border-radius:4px}.error{color:#c0123c;font-weight:bold}.muted{color:#697386}
table{border-collapse:collapse;font-size:.85rem}td,th{padding:.2rem .5rem;text-align:left}"""


def layout(title: str, body: str) -> str:
    """Wrap ``body`` in a minimal, self-contained page."""
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body><h1>{escape(title)}</h1>{body}"
            "<p class=\"muted\">Stripe API emulator &mdash; test mode only.</p></body></html>")


def _field(label: str, name: str, value: str, kind: str = "text") -> str:
    return (f"<label for=\"{name}\">{escape(label)}</label>"
            f"<input id=\"{name}\" name=\"{name}\" type=\"{kind}\" value=\"{escape(value)}\">")


def money(amount: int, currency: str) -> str:
    """``4500, "eur"`` -> ``€45.00``."""
    symbol = {"eur": "€", "usd": "$", "gbp": "£"}.get(currency, currency.upper() + " ")
    return f"{symbol}{amount / 100:.2f}"


def onboarding(token: str, account: dict[str, Any]) -> str:
    """Express onboarding form prefilled with Stripe's test identity and IBAN."""
    fields = "".join((
        _field("Full name", "full_name", "Jenny Rosen"),
        _field("Email", "email", account.get("email") or "jenny.rosen@example.com", "email"),
        _field("Date of birth", "dob", "1990-01-01"),
        _field("Address", "address", "1 rue de Rivoli"),
        _field("Postal code", "postal_code", "75001"),
        _field("City", "city", "Paris"),
        _field("IBAN", "iban", "FR1420041010050500013M02606"),
    ))
    body = (f"<p>Connected account <code>{escape(account['id'])}</code></p>"
            f"<form method=\"post\" action=\"/hosted/onboarding/{escape(token)}\">{fields}"
            "<label><input type=\"checkbox\" name=\"tos\" value=\"accepted\" checked "
            "style=\"width:auto\"> I accept the Stripe Connected Account Agreement</label>"
            "<button type=\"submit\">Agree and submit</button></form>")
    return layout("Stripe Express onboarding (emulator)", body)


def express_dashboard(token: str, account: dict[str, Any], iban: str,
                      error: str | None = None) -> str:
    """The Express Dashboard's bank account page: where an Express account changes it."""
    err = f"<p class=\"error\" role=\"alert\">{escape(error)}</p>" if error else ""
    body = (f"<p>Connected account <code>{escape(account['id'])}</code></p>"
            f"<p>Payouts go to the bank account ending in <strong id=\"iban-last4\">"
            f"{escape(iban[-4:])}</strong>.</p>{err}"
            f"<form method=\"post\" action=\"/hosted/express/{escape(token)}\">"
            f"{_field('New IBAN', 'iban', '')}<button type=\"submit\">Save</button></form>")
    return layout("Stripe Express Dashboard (emulator)", body)


def checkout(
    session: dict[str, Any], items: list[dict[str, Any]], error: str | None, manual: bool
) -> str:
    """Checkout form: line items and total with a pay button, or (mode=setup) no amount and
    a "Save card" button; the card inputs, the merchant's submit message, a cancel link."""
    err = f"<p class=\"error\" role=\"alert\">{escape(error)}</p>" if error else ""
    cancel = (f"<p><a href=\"{escape(session['cancel_url'])}\">Cancel and return</a></p>"
              if session.get("cancel_url") else "")
    submit = ((session.get("custom_text") or {}).get("submit") or {}).get("message")
    note = f"<p class=\"submit-message\">{escape(submit)}</p>" if submit else ""
    fields = "".join((
        _field("Email", "email", session.get("customer_email") or "", "email"),
        _field("Card number", "card_number", "4242 4242 4242 4242"),
        _field("Expiry (MM / YY)", "exp", "12 / 34"),
        _field("CVC", "cvc", "123"),
        _field("Cardholder name", "name", "Jenny Rosen"),
    ))
    if session["mode"] == "setup":
        head, button = ("<p>Save your card for future payments. You will not be charged "
                        "now.</p>"), "Save card"
    else:
        rows = "".join(
            f"<tr><td>{escape(it['name'])}</td><td>&times;{it['quantity']}</td>"
            f"<td>{money(it['unit_amount'] * it['quantity'], it['currency'])}</td></tr>"
            for it in items
        )
        total = money(session["amount_total"], session["currency"])
        head = f"<table>{rows}</table><p>Total: <strong>{total}</strong></p>"
        button = f"{'Authorize' if manual else 'Pay'} {total}"
    body = (f"{head}{err}<form method=\"post\" action=\"/hosted/checkout/"
            f"{escape(session['id'])}\">{fields}{note}<button type=\"submit\">{button}"
            f"</button></form>{cancel}")
    return layout("Checkout (emulator)", body)


def authenticate(pi: dict[str, Any]) -> str:
    """3D Secure challenge: two buttons, like Stripe's test-mode 3DS page."""
    action = f"/hosted/authenticate/{escape(pi['id'])}"
    what = (f"Payment of <strong>{money(pi['amount'], pi['currency'])}</strong>"
            if pi["object"] == "payment_intent" else "Saving this card")
    body = (f"<p>{what} "
            f"(<code>{escape(pi['id'])}</code>) needs 3D Secure authentication.</p>"
            f"<form method=\"post\" action=\"{action}\">"
            "<button type=\"submit\" name=\"action\" value=\"complete\">Complete authentication"
            "</button> <button type=\"submit\" name=\"action\" value=\"fail\">"
            "Fail authentication</button></form>")
    return layout("Authentication required", body)


def message(title: str, text: str) -> str:
    """A simple informational page (expired session, unknown link...)."""
    return layout(title, f"<p>{escape(text)}</p>")


def dashboard(objects: list[dict[str, Any]], webhook_log: list[dict[str, Any]]) -> str:
    """Recent objects and webhook attempts, newest first (demo aid)."""
    rows = "".join(
        f"<tr><td><code>{escape(o['id'])}</code></td><td>{escape(o['object'])}</td>"
        f"<td>{escape(str(o.get('status') or o.get('type') or ''))}</td>"
        f"<td>{escape(str(o.get('amount') or o.get('amount_total') or ''))}</td></tr>"
        for o in objects
    )
    hooks = "".join(
        f"<tr><td><code>{escape(h['event'])}</code></td><td>{escape(h['url'])}</td>"
        f"<td>{h['attempt']}</td><td>{h['status']}</td></tr>" for h in webhook_log
    )
    body = (f"<h2>Recent objects</h2><table>{rows}</table>"
            f"<h2>Webhook attempts</h2><table>{hooks}</table>")
    return layout("Stripe emulator", body)
