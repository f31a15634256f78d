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
    "bank_payout_failed": {
        "fr": Message("Virement bancaire refusé : {{ amount }}",
                      "Votre banque a refusé le virement de {{ amount }} ({{ reason }}). "
                      "L'argent reste sur votre compte Stripe : mettez à jour vos coordonnées "
                      "bancaires sur Stripe pour le recevoir."),
        "en": Message("Bank payout failed: {{ amount }}",
                      "Your bank refused the payout of {{ amount }} ({{ reason }}). The money "
                      "stays on your Stripe account: update your bank details on Stripe to "
                      "receive it."),
    },
    "payment_action_needed": {
        "fr": Message("Action requise : « {{ title }} »",
                      "Le paiement de votre mission n'est pas garanti : {{ reason }} "
                      "Autorisez à nouveau votre carte depuis la page de la mission."),
        "en": Message("Action needed: “{{ title }}”",
                      "Your mission's payment is not secured: {{ reason }} Authorize your "
                      "card again from the mission page."),
    },
    "payment_action_needed_helper": {
        "fr": Message("Paiement en attente : « {{ title }} »",
                      "Le client doit autoriser à nouveau sa carte. Nous vous prévenons dès "
                      "que le paiement est garanti."),
        "en": Message("Payment pending: “{{ title }}”",
                      "The client must authorize their card again. We will tell you as soon "
                      "as the payment is secured."),
    },
    "dispute_opened": {
        "fr": Message("Litige ouvert : « {{ title }} »",
                      "Un litige est ouvert ({{ reason }}). Le paiement de l'intervenant est "
                      "suspendu le temps que notre équipe l'examine."),
        "en": Message("Dispute opened: “{{ title }}”",
                      "A dispute is open ({{ reason }}). The helper's payout is on hold while "
                      "our team looks into it."),
    },
    "dispute_resolved": {
        "fr": Message("Litige résolu : « {{ title }} »",
                      "Décision : {{ resolution }}. Intervenant : {{ helper_amount }} ; "
                      "remboursé au client : {{ refund_amount }}. Note : {{ note }}"),
        "en": Message("Dispute resolved: “{{ title }}”",
                      "Decision: {{ resolution }}. Helper: {{ helper_amount }}; refunded to "
                      "the client: {{ refund_amount }}. Note: {{ note }}"),
    },
    "mission_cancelled": {
        "fr": Message("Mission annulée : « {{ title }} »",
                      "Le client a annulé la mission ({{ reason }}).{% if fee %} Frais "
                      "d'annulation tardive versés : {{ fee }}.{% endif %}"),
        "en": Message("Mission cancelled: “{{ title }}”",
                      "The client cancelled the mission ({{ reason }}).{% if fee %} Late "
                      "cancellation fee paid to you: {{ fee }}.{% endif %}"),
    },
    "helper_withdrew": {
        "fr": Message("{{ helper }} ne peut plus assurer « {{ title }} »",
                      "Votre mission est de nouveau proposée aux intervenants proches. Rien "
                      "de plus ne vous est facturé."),
        "en": Message("{{ helper }} can no longer do “{{ title }}”",
                      "Your mission is offered to nearby helpers again. You pay nothing more."),
    },
    "mission_expired": {
        "fr": Message("Mission expirée : « {{ title }} »",
                      "Personne n'a pu prendre votre mission avant son début. Elle est "
                      "annulée et rien ne vous est débité ; vous pouvez la publier à "
                      "nouveau à une autre date."),
        "en": Message("Mission expired: “{{ title }}”",
                      "Nobody could take your mission before it started. It is cancelled and "
                      "nothing is charged; you can post it again for another date."),
    },
    "review_request": {
        "fr": Message("Votre avis sur « {{ title }} »",
                      "Notez {{ other }} (1 à 5 étoiles). Les deux avis sont publiés ensemble, "
                      "ou au bout de 7 jours."),
        "en": Message("Your review of “{{ title }}”",
                      "Rate {{ other }} (1 to 5 stars). Both reviews are published together, "
                      "or after 7 days."),
    },
    "application_received": {
        "fr": Message("Nouvelle candidature pour « {{ title }} »",
                      "{{ helper }} se propose : « {{ message }} »"),
        "en": Message("New application for “{{ title }}”",
                      "{{ helper }} offers to help: “{{ message }}”"),
    },
    "new_missions_nearby": {
        "fr": Message("Nouvelles missions près de chez vous",
                      "« {{ title }} » à {{ distance }} km{% if more %} et d'autres{% endif %}. "
                      "Premier arrivé, premier servi."),
        "en": Message("New missions near you",
                      "“{{ title }}” {{ distance }} km away{% if more %} and more{% endif %}. "
                      "First come, first served."),
    },
    "signup_with_existing_email": {
        "fr": Message("Quelqu'un a voulu créer un compte avec votre adresse",
                      "Quelqu'un a tenté de créer un compte Entraide avec votre adresse email. "
                      "Si c'était vous, connectez-vous simplement. Sinon, ignorez ce message : "
                      "votre compte n'a pas changé."),
        "en": Message("Someone tried to sign up with your email",
                      "Someone tried to create an Entraide account with your email address. "
                      "If it was you, just sign in. If not, ignore this message: your account "
                      "has not changed."),
    },
    "confirm_email": {
        "fr": Message("Confirmez votre adresse email",
                      "Bonjour {{ name }}, bienvenue sur Entraide ! Pour activer votre "
                      "compte, ouvrez le lien ci-dessous puis confirmez (il est valable "
                      "{{ hours }} heures et ne sert qu'une fois). Si vous n'avez pas créé "
                      "de compte, ignorez ce message : rien ne sera activé."),
        "en": Message("Confirm your email address",
                      "Hello {{ name }}, welcome to Entraide! To activate your account, "
                      "open the link below and confirm (it works for {{ hours }} hours, "
                      "and once). If you did not create an account, ignore this message: "
                      "nothing will be activated."),
    },
    "payment_link": {
        "fr": Message("Votre lien de paiement : « {{ title }} »",
                      "Pour la mission « {{ title }} » du {{ starts_at }} ({{ total }}), "
                      "payez par carte avec le lien ci-dessous, sans créer de compte. Il est "
                      "valable {{ hours }} heures et ne sert qu'une fois. Rien n'est débité "
                      "avant la fin du travail."),
        "en": Message("Your payment link: “{{ title }}”",
                      "For the mission “{{ title }}” on {{ starts_at }} ({{ total }}), pay by "
                      "card with the link below, no account needed. It works for {{ hours }} "
                      "hours, and once. Nothing is charged until the work is done."),
    },
    "payment_link_paid": {
        "fr": Message("Reçu : « {{ title }} »",
                      "Votre carte est autorisée pour {{ total }} (mission du {{ starts_at }}). "
                      "Rien n'est débité avant la fin du travail. Pour suivre votre mission "
                      "en ligne, choisissez un mot de passe avec le lien ci-dessous."),
        "en": Message("Receipt: “{{ title }}”",
                      "Your card is authorized for {{ total }} (mission on {{ starts_at }}). "
                      "Nothing is charged until the work is done. To follow your mission "
                      "online, choose a password with the link below."),
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
