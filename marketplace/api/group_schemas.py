"""Request and response bodies of group purchases in the API (money as {amount, currency})."""

from __future__ import annotations

from marshmallow import fields, validate

from marketplace.api.schemas import CheckoutArgs, CursorArgs, MoneySchema, Strict, Text

MAX_ORDER = 99


class NearCampaignsArgs(CursorArgs):
    address = Text(required=True, validate=validate.Length(min=3, max=255),
                   metadata={"description": "My home address (a suggestion's label)."})
    place = fields.String(validate=validate.Length(max=2000),
                          metadata={"description": "The chosen suggestion's `place` token."})


class TierSchema(Strict):
    from_quantity = fields.Integer(required=True)
    unit_price = fields.Nested(MoneySchema, required=True)
    current = fields.Boolean(required=True)


class CampaignSchema(Strict):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    seller = fields.String(required=True)
    unit_price = fields.Nested(MoneySchema, required=True,
                               metadata={"description": "The price of the tier reached now."})
    total_quantity = fields.Integer(required=True)
    minimum_quantity = fields.Integer(required=True)
    remaining_stock = fields.Integer(required=True, allow_none=True)
    closes_at = fields.DateTime(required=True)
    city = fields.String(required=True, allow_none=True)
    distance_km = fields.Float(required=True, allow_none=True,
                               metadata={"description": "Rounded to 0.5 km."})


class CampaignPageSchema(Strict):
    items = fields.List(fields.Nested(CampaignSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class OrderSchema(Strict):
    id = fields.Integer(required=True)
    campaign_id = fields.Integer(required=True)
    quantity = fields.Integer(required=True)
    status = fields.String(required=True)
    authorized = fields.Nested(MoneySchema, required=True, allow_none=True,
                               metadata={"description": "The card hold: quantity times the "
                                         "highest price (before closing)."})
    charged = fields.Nested(MoneySchema, required=True, allow_none=True)


class OrderPageSchema(Strict):
    items = fields.List(fields.Nested(OrderSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class CampaignDetailSchema(CampaignSchema):
    description = fields.String(required=True)
    tiers = fields.List(fields.Nested(TierSchema), required=True)
    pickup_address = fields.String(required=True, allow_none=True, metadata={
        "description": "Shown to participants and the seller; null for others."})
    pickup_starts_at = fields.DateTime(required=True)
    pickup_ends_at = fields.DateTime(required=True)
    my_order = fields.Nested(OrderSchema, required=True, allow_none=True)


class JoinSchema(CheckoutArgs):
    quantity = fields.Integer(required=True, strict=True,
                              validate=validate.Range(min=1, max=MAX_ORDER))


class OrderStepSchema(Strict):
    order = fields.Nested(OrderSchema, required=True)
    url = fields.String(required=True, allow_none=True, metadata={
        "description": "The hosted page that authorizes the card (null: nothing to pay)."})
