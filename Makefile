# Two commands for a newcomer: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

# Debian packages the project needs; only the missing ones are installed.
# WeasyPrint draws with Pango and subsets fonts with HarfBuzz; Noto core prints Latin, Greek,
# Cyrillic, Arabic, Hebrew, Devanagari and Thai, Noto CJK prints Han, kana and Hangul.
RUN_PACKAGES := fonts-noto-core fonts-noto-cjk fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Tests also read PDFs back (poppler), decode QR codes (zbar) and drive a browser.
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils zbar-tools
# Benchmarks load a local gunicorn with wrk.
BENCH_PACKAGES := $(RUN_PACKAGES) wrk

.PHONY: run test install lock system-packages system-packages-test system-packages-bench translations database serve \
	lint format extract-messages update-messages bench clean

run: install system-packages translations database serve

test: install system-packages-test translations lint
	$(BIN)/pytest

install: $(VENV)/.installed

# Exactly what requirements.lock names, checked against its hashes: a release made
# anywhere after the lock was written never reaches an install. The project itself is
# then installed without resolving anything (its build backend comes from the lock too).
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Refreshes the lock on purpose (newest releases allowed by pyproject.toml); review the
# diff and run `make test` before committing it.
lock: install
	$(BIN)/uv pip compile --quiet --upgrade pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 --universal -o requirements.lock

system-packages:
	@$(MAKE) --no-print-directory _apt PACKAGES="$(RUN_PACKAGES)"

system-packages-test:
	@$(MAKE) --no-print-directory _apt PACKAGES="$(TEST_PACKAGES)"

# Installs only what is missing, with one `apt-get update` first, and only as root.
_apt:
	@missing=""; \
	for package in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' "$$package" 2>/dev/null | grep -q "install ok installed" \
			|| missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else \
		echo "Please install these Debian packages as root:"; \
		echo "    sudo apt-get update && sudo apt-get install -y$$missing"; \
		exit 1; \
	fi

translations: install
	$(BIN)/pybabel compile --statistics -d translations -D messages

database: install
	$(FLASK) db upgrade
	@# A new database gets the demo editions, with registration open so it can be tried.
	$(FLASK) forum has-data || ($(FLASK) forum seed-demo && $(FLASK) forum open-registration --days 60)
	@# With no staff account yet, an administrator is created and its password printed once.
	$(FLASK) forum first-admin --login-url http://$(HOST):$(PORT)/en/admin/login

# The mail worker runs beside the web server and stops with it.
serve:
	@echo "Serving on http://$(HOST):$(PORT)/ (e-mails go to instance/outbox/ unless MAIL_SERVER is set)"
	@# Links in pages and e-mails come from SITE_URL, so it names the port served here.
	export SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}; \
	$(FLASK) forum worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# For translators: collect the marked strings, then merge them into the catalogue.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages --no-fuzzy-matching

system-packages-bench:
	@$(MAKE) --no-print-directory _apt PACKAGES="$(BENCH_PACKAGES)"

bench: install translations system-packages-bench
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance/*.sqlite3 translations/*/LC_MESSAGES/*.mo
