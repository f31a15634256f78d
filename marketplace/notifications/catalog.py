"""What each event says, in French and English. Bodies are Jinja, autoescaped in HTML."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    title: str
    body: str


CATALOG: dict[str, dict[str, Message]] = {
    "payment_authorized": {
        "fr": Message("Carte autorisée : « {{ title }} »",
                      "Votre carte est autorisée pour {{ total }}. Les intervenants proches "
                      "voient maintenant votre mission. Rien n'est débité avant votre "
                      "confirmation."),
        "en": Message("Card authorized: “{{ title }}”",
                      "Your card is authorized for {{ total }}. Nearby helpers can now see "
                      "your mission. Nothing is charged until you confirm the work is done."),
    },
    "payment_failed": {
        "fr": Message("Paiement refusé : « {{ title }} »",
                      "Votre carte a été refusée ({{ reason }}). Votre mission n'est pas "
                      "publiée : autorisez une autre carte depuis la page de la mission."),
        "en": Message("Payment declined: “{{ title }}”",
                      "Your card was declined ({{ reason }}). Your mission is not published "
                      "yet: authorize another card from the mission page."),
    },
    "helper_assigned": {
        "fr": Message("{{ helper }} s'occupe de « {{ title }} »",
                      "{{ helper }} a accepté votre mission prévue le {{ starts_at }}."),
        "en": Message("{{ helper }} took “{{ title }}”",
                      "{{ helper }} accepted your mission planned for {{ starts_at }}."),
    },
    "mission_done": {
        "fr": Message("Mission terminée ? Confirmez « {{ title }} »",
                      "{{ helper }} indique avoir terminé. Confirmez pour régler {{ total }}, "
                      "ou signalez un problème."),
        "en": Message("Work done? Please confirm “{{ title }}”",
                      "{{ helper }} says the work is done. Confirm to pay {{ total }}, or "
                      "tell us about a problem."),
    },
    "payout_sent": {
        "fr": Message("Virement envoyé : {{ amount }}",
                      "Pour « {{ title }} » : prix {{ price }}, commission {{ commission }}, "
                      "vous recevez {{ amount }}. Stripe le verse ensuite sur votre compte "
                      "bancaire selon son calendrier habituel."),
        "en": Message("Payout sent: {{ amount }}",
                      "For “{{ title }}”: price {{ price }}, commission {{ commission }}, you "
                      "receive {{ amount }}. Stripe then pays it to your bank on its usual "
                      "schedule."),
    },
    "reminder": {
        "fr": Message("Demain : « {{ title }} »",
                      "Rappel : la mission « {{ title }} » commence le {{ starts_at }} "
                      "au {{ address }}."),
        "en": Message("Tomorrow: “{{ title }}”",
                      "Reminder: the mission “{{ title }}” starts on {{ starts_at }} at "
                      "{{ address }}."),
    },
}


def message_for(event: str, locale: str) -> Message:
    """The event's message in `locale`, falling back to French (our users' language)."""
    try:
        messages = CATALOG[event]
    except KeyError as exc:
        raise ValueError(f"unknown notification event {event!r}") from exc
    return messages.get(locale) or messages["fr"]
