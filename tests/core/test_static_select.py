"""StaticSelectField renders its options once per (choices, language, value), and never
serves one form's options to another form's field of the same name."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale
from wtforms import Form
from wtforms.fields.choices import SelectChoice

from marketplace.core.forms import StaticSelectField
from marketplace.core.i18n import lazy_gettext as _l


class Colours(Form):
    pick = StaticSelectField("Pick", choices=[SelectChoice("", _l("any")),
                                              SelectChoice("red", "Red")])


class Sizes(Form):
    pick = StaticSelectField("Pick", choices=[SelectChoice("", _l("any")),
                                              SelectChoice("xl", "XL")])


def test_each_form_its_own_options_and_selection(ctx: Flask) -> None:
    with ctx.test_request_context("/"), force_locale("en"):
        assert "Red" in Colours().pick() and "XL" not in Colours().pick()
        assert "XL" in Sizes().pick() and "Red" not in Sizes().pick()
        chosen = Colours(data={"pick": "red"}).pick()
        assert '<option selected value="red">' in chosen or 'value="red" selected' in chosen
        assert chosen != Colours().pick()


def test_the_options_speak_the_page_language(ctx: Flask) -> None:
    with ctx.test_request_context("/"):
        with force_locale("en"):
            english = Colours().pick()
        with force_locale("fr"):
            french = Colours().pick()
    assert ">any<" in english and ">any<" not in french
