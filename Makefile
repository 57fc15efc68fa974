# Fika — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
LINT_PATHS := bot handlers jobs tests $(wildcard bench)
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: run test lint typecheck i18n catalogs migrate bench clean help

help:
	@echo "make run    - install, prepare the database and start the bot"
	@echo "make test   - install dev tools and run lint, type checks and the test suite"
	@echo "make i18n   - extract strings and update the sv/fi/en catalogs"
	@echo "make bench  - run the benchmarks in bench/"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Fika needs Python 3.11 or newer (found " + sys.version.split()[0] + "). Run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

catalogs: $(VENV)/.installed
	@$(BIN)/pybabel compile --domain=messages --directory=locales --statistics 2>&1 | grep translated

run: $(VENV)/.installed catalogs
	$(PY) -m bot

migrate: $(VENV)/.installed
	$(BIN)/alembic upgrade head

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy bot handlers jobs

test: $(VENV)/.installed-dev catalogs lint typecheck
	$(PY) -m pytest -q

i18n: $(VENV)/.installed
	$(BIN)/pybabel extract --mapping-file=babel.cfg --output-file=locales/messages.pot \
	  --keywords=t --keywords=N_ --keywords=ngettext:1,2 --no-location --sort-output \
	  --project=Fika --copyright-holder="Fika contributors" bot handlers jobs
	@for l in sv fi en; do [ -f locales/$$l/LC_MESSAGES/messages.po ] || \
	  $(BIN)/pybabel init --input-file=locales/messages.pot --output-dir=locales --domain=messages --locale=$$l; done
	$(BIN)/pybabel update --input-file=locales/messages.pot --output-dir=locales \
	  --domain=messages --no-fuzzy-matching --ignore-obsolete --width=100
	$(PY) -m bot.catalogs fill-en
	$(BIN)/pybabel compile --domain=messages --directory=locales
	@$(PY) -m bot.catalogs check || echo "Translate the entries above in locales/{sv,fi}/LC_MESSAGES/messages.po"

bench: $(VENV)/.installed-dev
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
	find locales -name '*.mo' -delete
