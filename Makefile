# Fika — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
LINT_PATHS := bot handlers jobs tests $(wildcard bench)
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# Every install comes from these lock files (all packages, transitive ones too, with hashes).
LOCK_RUN := requirements/run.txt
LOCK_DEV := requirements/dev.txt
PIP_LOCKED := $(PY) -m pip install --quiet --require-hashes --no-deps
# pytest-xdist: one worker per CPU (override: make test WORKERS=4, or WORKERS=0 for one process);
# worksteal lets an idle worker take queued tests from a busy one.
WORKERS ?= auto
PYTEST := $(PY) -m pytest -q -n $(WORKERS) --dist worksteal

.PHONY: run test test-fast lint typecheck i18n catalogs migrate bench lock clean help teams-package

help:
	@echo "make run    - install, prepare the database and start the bot"
	@echo "make test   - install dev tools and run lint, type checks and the test suite"
	@echo "make test-fast - the same without the slow lane (tests marked slow)"
	@echo "make i18n   - extract strings and update the sv/fi/en catalogs"
	@echo "make bench  - run the benchmarks in bench/"
	@echo "make teams-package - build and check build/fika-teams.zip for Microsoft Teams (docs/deploy-teams.md)"
	@echo "make lock   - re-resolve requirements/*.txt from pyproject.toml (a deliberate upgrade)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Fika needs Python 3.11 or newer (found " + sys.version.split()[0] + "). Run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

# --no-deps + --require-hashes: pip installs exactly the locked files and nothing it resolves
# itself; Fika is then installed editable without a build sandbox (setuptools is locked too).
$(VENV)/.installed: $(PY) $(LOCK_RUN) pyproject.toml
	$(PIP_LOCKED) -r $(LOCK_RUN)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed $(LOCK_DEV)
	$(PIP_LOCKED) -r $(LOCK_DEV)
	$(PY) -m pip check
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
	$(PYTEST)

test-fast: $(VENV)/.installed-dev catalogs lint typecheck
	$(PYTEST) -m "not slow"

i18n: $(VENV)/.installed
	$(BIN)/pybabel extract --mapping-file=babel.cfg --output-file=locales/messages.pot \
	  --keywords=t --keywords=N_ --keywords=ngettext:1,2 --add-comments=TRANSLATORS: \
	  --no-location --sort-output \
	  --project=Fika --copyright-holder="Fika contributors" bot handlers jobs
	@for l in sv fi en; do [ -f locales/$$l/LC_MESSAGES/messages.po ] || \
	  $(BIN)/pybabel init --input-file=locales/messages.pot --output-dir=locales --domain=messages --locale=$$l; done
	$(BIN)/pybabel update --input-file=locales/messages.pot --output-dir=locales \
	  --domain=messages --no-fuzzy-matching --ignore-obsolete --width=100
	$(PY) -m bot.platform.catalogs fill-en
	$(BIN)/pybabel compile --domain=messages --directory=locales
	@$(PY) -m bot.platform.catalogs check || echo "Translate the entries above in locales/{sv,fi}/LC_MESSAGES/messages.po"

# The Teams app package from the TEAMS_* settings in .env, checked against the schemas in
# bot/teams/schemas/ (copies of ../shared/teams-data/; jsonschema is a dev tool).
# ARGS=--placeholders: example ids, to look at.
teams-package: $(VENV)/.installed-dev catalogs
	$(PY) -m bot.teams.package $(ARGS)

bench: $(VENV)/.installed-dev
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

# Upgrades on purpose: re-resolve the newest versions pyproject.toml's ranges allow, for every
# platform and Python >= 3.11, with hashes. Review the diff, run make test, commit with a reason.
lock: $(VENV)/.installed-dev
	cd requirements && ../$(BIN)/uv pip compile ../pyproject.toml build.in --extra dev \
	  --universal --python-version 3.11 --generate-hashes --no-header --upgrade -o dev.txt
	cd requirements && ../$(BIN)/uv pip compile ../pyproject.toml build.in \
	  --universal --python-version 3.11 --generate-hashes --no-header -c dev.txt -o run.txt
	@echo "Lock files updated: review 'git diff requirements/' and run make test."

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
	find locales -name '*.mo' -delete
