# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test install translations extract migrate seed lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

PO_FILES := $(wildcard marketplace/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

# The catalogues are compiled at install time (and again whenever a .po file changes).
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(MO_FILES)

## Re-extract every translatable string and merge it into the catalogues (then translate).
extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -k lazy_ngettext:1,2 -k _nl:1,2 -k lazy_pgettext:1c,2 --no-location --sort-output --width 100 -o marketplace/translations/messages.pot .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations --no-fuzzy-matching --ignore-obsolete --width 100

install: $(STAMP) translations

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo

## Start web (http://127.0.0.1:5000), worker (+ beat) and the Stripe emulator; Ctrl-C stops all.
run: install
	@bash scripts/run-dev.sh

## The whole suite on whatever DATABASE_URL / CELERY_BROKER_URL say (embedded when unset).
test: install
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

## Style, types and the dependency rule (shared/DESIGN.md §2): ruff, mypy, import-linter.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf instance/*.sqlite* instance/stripe-emulator.json instance/celerybeat-schedule*
