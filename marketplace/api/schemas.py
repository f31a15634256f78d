"""Request and response bodies: the same marshmallow schemas validate and document them.

Money is `{amount, currency}` (integer minor units, ISO code in lower case); times are
ISO 8601 in UTC; text refuses control characters (as the site's fields do).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from marketplace.core.categories import CATEGORIES
from marketplace.core.forms import has_control_characters
from marketplace.core.i18n import lazy_gettext as _l

MAX_LIMIT = 100
MAX_AMOUNT = 100_000_000  # a million euros: beyond any mission, well within the columns


class Text(fields.String):
    """A string without control characters (newlines allowed when `multiline`)."""

    def __init__(self, *args: Any, multiline: bool = False, strip: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.multiline, self.strip = multiline, strip

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if has_control_characters(text, multiline=self.multiline):
            raise ValidationError(str(_l("Remove the control characters from this text.")))
        return text.strip() if self.strip else text


def text(min_len: int, max_len: int, **kwargs: Any) -> Text:
    return Text(required=True, validate=validate.Length(min=min_len, max=max_len), **kwargs)


class Strict(Schema):
    class Meta:
        ordered = True


class MoneySchema(Strict):
    amount = fields.Integer(required=True, strict=True,
                            validate=validate.Range(min=0, max=MAX_AMOUNT),
                            metadata={"description": "Minor units (cents)."})
    currency = fields.String(required=True, validate=validate.Regexp(r"^[a-z]{3}$"),
                             metadata={"example": "eur"})


def money(cents: int, currency: str) -> dict[str, Any]:
    return {"amount": cents, "currency": currency}


class ProblemSchema(Strict):
    """RFC 9457 problem details, with a stable `code` and field `errors`."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    code = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.Raw())


class CursorArgs(Strict):
    cursor = fields.String(validate=validate.Length(max=200),
                           metadata={"description": "The `next_cursor` of the previous page."})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))


# -- tokens ---------------------------------------------------------------------------------
class TokenCreateSchema(Strict):
    email = text(3, 254)
    password = Text(required=True, strip=False, validate=validate.Length(min=1, max=200))


class RefreshSchema(Strict):
    refresh_token = Text(required=True, validate=validate.Length(min=1, max=200))


class TokenPairSchema(Strict):
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    access_token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)
    refresh_token = fields.String(required=True)
    refresh_expires_at = fields.DateTime(required=True)


# -- people ---------------------------------------------------------------------------------
class PersonSchema(Strict):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)


class SettingsSchema(Strict):
    locale = fields.String(required=True, validate=validate.OneOf(["fr", "en"]))
    email_enabled = fields.Boolean(required=True)
    sms_enabled = fields.Boolean(required=True)


class MeSchema(Strict):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    is_client = fields.Boolean(required=True)
    is_helper = fields.Boolean(required=True)
    settings = fields.Nested(SettingsSchema, required=True)


class HelperProfileSchema(Strict):
    home = text(3, 255, metadata={"description": "The home address (only I see it)."})
    place = fields.String(load_only=True, validate=validate.Length(max=2000), metadata={
        "description": "The `place` token of the chosen suggestion (GET /places/suggestions)."})
    city = fields.String(dump_only=True, allow_none=True)
    radius_km = fields.Float(required=True, validate=validate.Range(0.5, 100))
    skills = fields.List(fields.String(validate=validate.OneOf(list(CATEGORIES))),
                         required=True, validate=validate.Length(min=1, max=len(CATEGORIES)))
    bio = Text(multiline=True, allow_none=True, load_default=None,
               validate=validate.Length(max=1000))
    payouts_enabled = fields.Boolean(dump_only=True)


class HelperProfileOutSchema(Strict):
    """What I read back: `home` is null for a home set without an address (seeds, scripts)."""

    home = fields.String(required=True, allow_none=True)
    city = fields.String(required=True, allow_none=True)
    radius_km = fields.Float(required=True)
    skills = fields.List(fields.String(), required=True)
    bio = fields.String(required=True, allow_none=True)
    payouts_enabled = fields.Boolean(required=True)


class OnboardingLinkArgs(Strict):
    return_url = fields.String(required=True, validate=validate.Length(min=1, max=500))
    refresh_url = fields.String(validate=validate.Length(min=1, max=500))


class UrlSchema(Strict):
    url = fields.String(required=True)


# -- missions -------------------------------------------------------------------------------
STATUSES = ["pending_payment", "open", "assigned", "done", "completed", "cancelled", "disputed"]


class MissionCreateSchema(Strict):
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    title = text(3, 120)
    description = text(10, 4000, multiline=True)
    address = text(3, 255, metadata={"description": "The address label, as suggested."})
    place = fields.String(validate=validate.Length(max=2000), metadata={
        "description": "The `place` token of the chosen suggestion (GET /places/suggestions)."})
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    price = fields.Nested(MoneySchema, required=True)
    matching_mode = fields.String(load_default="instant",
                                  validate=validate.OneOf(["instant", "choose", "operator"]))


class PlaceSuggestionArgs(Strict):
    q = Text(required=True, validate=validate.Length(min=1, max=200))
    limit = fields.Integer(load_default=6, validate=validate.Range(min=1, max=10))


class PlaceSuggestionSchema(Strict):
    place = fields.String(required=True, metadata={"description": "Post it back as `place`."})
    label = fields.String(required=True)
    city = fields.String(required=True, allow_none=True)
    postcode = fields.String(required=True, allow_none=True)
    kind = fields.String(required=True)


class PlaceSuggestionsSchema(Strict):
    items = fields.List(fields.Nested(PlaceSuggestionSchema), required=True)
    notice = fields.String(required=True, allow_none=True, metadata={
        "description": "Set when the address service failed and only communes answered."})


class MissionListArgs(CursorArgs):
    role = fields.String(load_default="client", validate=validate.OneOf(["client", "helper"]))
    status = fields.String(validate=validate.OneOf(STATUSES))


class TimelineEventSchema(Strict):
    at = fields.DateTime(required=True)
    event = fields.String(required=True)


class MissionSchema(Strict):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    category = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    address = fields.String(allow_none=True, required=True, metadata={
        "description": "The exact address: for the client, the assigned helper, operators."})
    city = fields.String(allow_none=True, required=True, metadata={
        "description": "The commune: what everyone else sees."})
    lat = fields.Float(required=True)
    lng = fields.Float(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    price = fields.Nested(MoneySchema, required=True)
    service_fee = fields.Nested(MoneySchema, required=True)
    total = fields.Nested(MoneySchema, required=True)
    channel = fields.String(required=True)
    matching_mode = fields.String(required=True, allow_none=True)
    client = fields.Nested(PersonSchema, required=True)
    helper = fields.Nested(PersonSchema, required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class MissionDetailSchema(MissionSchema):
    payment_status = fields.String(required=True, allow_none=True)
    helper_take_home = fields.Nested(MoneySchema, required=True, allow_none=True)
    timeline = fields.List(fields.Nested(TimelineEventSchema), required=True)


class MissionPageSchema(Strict):
    items = fields.List(fields.Nested(MissionSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class NearbyMissionSchema(Strict):
    mission = fields.Nested(MissionSchema, required=True)
    distance_km = fields.Float(required=True)
    helper_take_home = fields.Nested(MoneySchema, required=True)


class NearbyPageSchema(Strict):
    items = fields.List(fields.Nested(NearbyMissionSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class CheckoutArgs(Strict):
    return_url = fields.String(required=True, validate=validate.Length(min=1, max=500),
                               metadata={"description": "Where the hosted page sends the "
                                         "person back (an allowed deep link)."})
    cancel_url = fields.String(validate=validate.Length(min=1, max=500))


class CheckoutSyncArgs(Strict):
    session_id = fields.String(required=True, validate=validate.Regexp(r"^cs_[A-Za-z0-9_]{1,250}$"))


class ReasonSchema(Strict):
    reason = text(3, 500, multiline=True)


class DisputeSchema(Strict):
    problem = text(3, 1000, multiline=True)


class CancellationQuoteSchema(Strict):
    free = fields.Boolean(required=True)
    late_fee = fields.Nested(MoneySchema, required=True)


class ApplySchema(Strict):
    message = text(1, 1000, multiline=True)


class ApplicantSchema(Strict):
    helper = fields.Nested(PersonSchema, required=True)
    message = fields.String(required=True, allow_none=True)
    distance_km = fields.Float(required=True)
    score = fields.Float(required=True)


class ApplicantListSchema(Strict):
    items = fields.List(fields.Nested(ApplicantSchema), required=True)


class ChooseSchema(Strict):
    helper_id = fields.Integer(required=True, strict=True,
                               validate=validate.Range(min=1, max=2**31 - 1))


class FinalPriceSchema(Strict):
    price = fields.Nested(MoneySchema, required=True)


class FinalPriceAnswerSchema(Strict):
    accept = fields.Boolean(required=True)


class ProposalSchema(Strict):
    id = fields.Integer(required=True)
    price = fields.Nested(MoneySchema, required=True)
    status = fields.String(required=True)


class MessageCreateSchema(Strict):
    body = text(1, 2000, multiline=True)


class MessageSchema(Strict):
    id = fields.Integer(required=True)
    author = fields.Nested(PersonSchema, required=True)
    as_operator = fields.Boolean(required=True)
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class MessagePageSchema(Strict):
    items = fields.List(fields.Nested(MessageSchema), required=True)


class ReviewCreateSchema(Strict):
    stars = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5))
    comment = Text(multiline=True, load_default="", validate=validate.Length(max=2000))


class ReviewSchema(Strict):
    id = fields.Integer(required=True)
    mission_id = fields.Integer(required=True)
    author = fields.Nested(PersonSchema, required=True)
    stars = fields.Integer(required=True)
    comment = fields.String(required=True)
    published_at = fields.DateTime(required=True, allow_none=True)


class ReviewPageSchema(Strict):
    items = fields.List(fields.Nested(ReviewSchema), required=True)


# -- money and notifications -----------------------------------------------------------------
class PayoutSchema(Strict):
    id = fields.Integer(required=True)
    mission_id = fields.Integer(required=True)
    amount = fields.Nested(MoneySchema, required=True)
    status = fields.String(required=True)
    release_after = fields.DateTime(required=True)
    paid_at = fields.DateTime(required=True, allow_none=True)


class BankPayoutSchema(Strict):
    id = fields.Integer(required=True)
    amount = fields.Nested(MoneySchema, required=True)
    status = fields.String(required=True)
    arrival_date = fields.DateTime(required=True, allow_none=True)
    failure_message = fields.String(required=True, allow_none=True)


class PayoutsSchema(Strict):
    payouts = fields.List(fields.Nested(PayoutSchema), required=True)
    bank_payouts = fields.List(fields.Nested(BankPayoutSchema), required=True)


class NotificationSchema(Strict):
    id = fields.Integer(required=True)
    event = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(required=True, allow_none=True)


class NotificationPageSchema(Strict):
    items = fields.List(fields.Nested(NotificationSchema), required=True)
    unread = fields.Integer(required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class MarkedSchema(Strict):
    marked = fields.Integer(required=True)


class PushDeviceCreateSchema(Strict):
    platform = fields.String(required=True, validate=validate.OneOf(["fcm", "apns"]))
    token = fields.String(required=True, validate=[validate.Length(min=10, max=4096),
                                                   validate.Regexp(r"^[A-Za-z0-9_:.\-]+$")])


class PushDeviceSchema(Strict):
    id = fields.Integer(required=True)
    platform = fields.String(required=True)
    created_at = fields.DateTime(required=True)
