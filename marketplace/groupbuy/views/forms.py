"""Group-purchase forms: what a seller and a neighbour type, checked before any service runs.

Prices go through the one money parser (MoneyField); the pickup address through the places
combobox and its signed token (AddressFields), as on the mission form; dates are Paris time
and become UTC here; the photo is checked by its first bytes (not its name) and its size.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FieldList, Form, FormField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from marketplace.core.dates import PARIS
from marketplace.core.forms import (
    DecimalNumberField,
    LocalDateTimeField,
    MoneyField,
    QuantityField,
    TextBlock,
    TextLine,
)
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.groupbuy.models import Campaign
from marketplace.groupbuy.services import PhotoUpload, sniff
from marketplace.groupbuy.tiers import Tier
from marketplace.missions.forms import OnceHiddenTag
from marketplace.places import Place
from marketplace.places import services as places
from marketplace.places.forms import AddressFields

MAX_TIERS = 6
MAX_QUANTITY = 10_000  # units in one campaign (stock, minimum, a tier's threshold)
MAX_ORDER = 99  # units one neighbour orders
PHOTO_MAX_BYTES = 800 * 1024  # under the site's 1 MB request limit, with the form around it


class TierForm(Form):
    """A row of the tiers editor (no CSRF of its own: the campaign form carries it)."""

    min_quantity = QuantityField(_l("From (units in total)"),
                                 validators=[Optional(), NumberRange(1, MAX_QUANTITY)])
    unit_price = MoneyField(_l("Unit price (€)"), validators=[Length(max=20)],
                            min_cents=50, max_cents=100_000)


class CampaignForm(AddressFields, FlaskForm):
    title = TextLine(_l("Product"), validators=[InputRequired(), Length(min=3, max=120)])
    description = TextBlock(_l("Description"),
                            validators=[InputRequired(), Length(min=10, max=4000)])
    photo = FileField(_l("Photo (JPEG, PNG or WebP, up to 800 KB)"))
    tiers = FieldList(FormField(TierForm), min_entries=4, max_entries=MAX_TIERS)
    min_total = QuantityField(_l("Minimum total quantity for the campaign to go ahead"),
                              validators=[InputRequired(), NumberRange(1, MAX_QUANTITY)])
    max_total = QuantityField(_l("Stock (maximum total quantity, optional)"),
                              validators=[Optional(), NumberRange(1, MAX_QUANTITY)])
    closes_at = LocalDateTimeField(_l("Closing (Paris time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired()])
    pickup_starts_at = LocalDateTimeField(_l("Pickup from (Paris time)"),
                                          format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    pickup_ends_at = LocalDateTimeField(_l("Pickup until (Paris time)"),
                                        format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    radius_km = DecimalNumberField(_l("Neighbours within (km)"), default=Decimal(5),
                                   validators=[InputRequired(), NumberRange(0.5, 50)])
    delivery_radius_km = DecimalNumberField(
        _l("Delivery within (km, optional)"), validators=[Optional(), NumberRange(0.5, 50)])

    tier_inputs: list[Tier]
    photo_upload: PhotoUpload | None = None

    def validate_tiers(self, field: FieldList) -> None:
        """Rows left empty are ignored; the first tier starts at 1 unit; thresholds rise and
        prices fall (a bigger group never pays more per unit)."""
        rows: list[Tier] = []
        for entry in field.entries:
            sub = entry.form
            quantity, cents = sub.min_quantity.data, sub.unit_price.cents
            if quantity is None and cents is None:
                continue
            if quantity is None or cents is None:
                raise ValidationError(_("Give each tier both a quantity and a unit price."))
            rows.append(Tier(quantity, cents))
        if not rows:
            raise ValidationError(_("Give at least one price tier."))
        if rows[0].from_quantity != 1:
            raise ValidationError(_("The first tier starts at 1 unit."))
        for low, high in itertools.pairwise(rows):
            if high.from_quantity <= low.from_quantity:
                raise ValidationError(_("Each tier starts at more units than the one before."))
            if high.unit_price_cents >= low.unit_price_cents:
                raise ValidationError(_("Each tier's unit price is lower than the one before."))
        self.tier_inputs = rows

    def validate_max_total(self, field: QuantityField) -> None:
        if field.data is not None and self.min_total.data and field.data < self.min_total.data:
            raise ValidationError(_("The stock cannot be below the minimum."))

    def validate_closes_at(self, field: LocalDateTimeField) -> None:
        if field.data is not None and _as_utc(field.data) <= datetime.now(UTC):
            raise ValidationError(_("The closing date must be in the future."))

    def validate_pickup_starts_at(self, field: LocalDateTimeField) -> None:
        if field.data is not None and self.closes_at.data and field.data < self.closes_at.data:
            raise ValidationError(_("The pickup starts after the closing."))

    def validate_pickup_ends_at(self, field: LocalDateTimeField) -> None:
        start = self.pickup_starts_at.data
        if field.data is not None and start is not None and field.data <= start:
            raise ValidationError(_("The pickup ends after it starts."))

    def validate_photo(self, field: FileField) -> None:
        self.photo_upload = None
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            return
        data = upload.read(PHOTO_MAX_BYTES + 1)
        if len(data) > PHOTO_MAX_BYTES:
            raise ValidationError(_("The photo is larger than 800 KB."))
        kind = sniff(data)  # the bytes say what it is, not the file's name
        if kind is None:
            raise ValidationError(_("The photo must be a JPEG, PNG or WebP image."))
        self.photo_upload = PhotoUpload(data, kind)

    def utc(self, name: str) -> datetime:
        return _as_utc(getattr(self, name).data)

    def km(self, name: str) -> float | None:
        value = getattr(self, name).data
        return float(value) if value is not None else None


class JoinForm(FlaskForm):
    quantity = QuantityField(_l("Quantity"), default=1,
                             validators=[InputRequired(), NumberRange(1, MAX_ORDER)])


class DisputeForm(FlaskForm):
    problem = TextBlock(_l("What went wrong"),
                        validators=[InputRequired(), Length(min=5, max=2000)])


class ResolveForm(FlaskForm):
    """An operator's decision on a participant's dispute (amounts through the money parser)."""

    resolution = SelectField(_l("Decision"), default="refund", choices=[
        SelectChoice("refund", _l("Refund the participant in full")),
        SelectChoice("seller", _l("Pay the seller in full")),
        SelectChoice("split", _l("Split: refund part, pay the seller the rest"))])
    refund = MoneyField(_l("Refund to the participant (€, for a split)"),
                        validators=[Length(max=20)])
    note = TextLine(_l("Note for the record"), validators=[InputRequired(),
                                                          Length(min=3, max=500)])

    def validate_refund(self, field: MoneyField) -> None:
        if self.resolution.data == "split" and not field.cents:
            raise ValidationError(_("Say how much goes back to the participant."))


class BankResolveForm(FlaskForm):
    """An operator's decision on a bank chargeback the bank decided against us: who bears
    the loss (the participant's bank already gave them their money back)."""

    resolution = SelectField(_l("Decision"), default="platform", choices=[
        SelectChoice("platform", _l("The platform bears the loss")),
        SelectChoice("seller", _l("Take it all from the seller's share of this charge")),
        SelectChoice("split", _l("Split: take part from the seller's share"))])
    seller = MoneyField(_l("From the seller's share (€, for a split)"),
                        validators=[Length(max=20)])
    note = TextLine(_l("Note for the record"), validators=[InputRequired(),
                                                          Length(min=3, max=500)])

    def validate_seller(self, field: MoneyField) -> None:
        if self.resolution.data == "split" and not field.cents:
            raise ValidationError(_("Say how much the seller's share bears."))


class NearForm(AddressFields, FlaskForm):
    """The home address to search around (a GET: read from the query, no CSRF token)."""


class SellerAddressForm(AddressFields, FlaskForm):
    """Where a seller who does not help sells from (their payout account hangs on it)."""


class ActionForm(OnceHiddenTag):
    """An empty form whose CSRF token protects a button (handover, receipt, withdraw)."""


def filled_form(campaign: Campaign) -> CampaignForm:
    """The edit form showing the campaign as it stands (dates in Paris time, euros)."""
    form = CampaignForm(data={
        "title": campaign.title, "description": campaign.description,
        "min_total": campaign.minimum_quantity, "max_total": campaign.maximum_quantity,
        "closes_at": _as_paris(campaign.closes_at),
        "pickup_starts_at": _as_paris(campaign.pickup_starts_at),
        "pickup_ends_at": _as_paris(campaign.pickup_ends_at),
        "radius_km": Decimal(str(campaign.reach_km)),
        "delivery_radius_km": (Decimal(str(campaign.delivery_radius_km))
                               if campaign.delivery_radius_km is not None else None),
        "address": campaign.address, "place": places.sign(_place_of(campaign)),
        "tiers": [{"min_quantity": t.from_quantity, "unit_price": _euros(t.unit_price_cents)}
                  for t in campaign.tiers]})
    return form


def _place_of(campaign: Campaign) -> Place:
    """The pickup point as the geocoder gave it, so an unchanged address needs no new look-up."""
    return Place(id=f"campaign-{campaign.id}", label=campaign.address, housenumber=None,
                 street=None, postcode=campaign.postcode, citycode=campaign.citycode,
                 city=campaign.city, context=None, kind="housenumber", lat=campaign.lat,
                 lon=campaign.lng)


def _as_paris(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(PARIS).replace(tzinfo=None)


def _euros(cents: int) -> str:
    units, rest = divmod(cents, 100)
    return f"{units}" if not rest else f"{units}.{rest:02d}"


def _as_utc(local: datetime | None) -> datetime:
    assert local is not None
    return local.replace(tzinfo=PARIS).astimezone(UTC)
