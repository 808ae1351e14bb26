# Gemba Walk: the commands a newcomer needs. `make run` to try it, `make test` before a push.

PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: pip runs again only when pyproject.toml changes.
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
FLASK := $(BIN)/flask --app gembawalk
# The translations (README: Languages): each .po is committed, its compiled .mo is built here.
TRANSLATIONS := gembawalk/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
CATALOGUES := $(PO_FILES:.po=.mo)

.PHONY: install nginx chromium run test translations screenshots icons bench audit clean

# Create the virtual environment and install the app with its development tools, and the
# checking tools from npm (the Nu Html Checker, Lighthouse) where Java and npm are present.
install: $(STAMP) $(NODE_STAMP) $(CATALOGUES) nginx

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else \
		echo "npm or Java missing: the HTML validity test and make audit will be skipped."; \
	fi

# nginx for the cluster on loopback (bench/cluster.py, tests/test_cluster.py): Debian's package,
# as root with apt. Only the binary is used: the tests start their own nginx with their own
# configuration in a temporary folder (where a policy keeps apt from starting the service,
# it stays stopped; elsewhere, `systemctl disable --now nginx` if port 80 is not wanted).
nginx:
	@if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then \
		: ; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's nginx for the cluster checks..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
	else \
		echo "nginx missing (apt-get install nginx as root): the cluster checks will be skipped."; \
	fi

# Each compiled catalogue, again whenever its .po changes (make install, run and test need them).
$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS) -l $*

# Extract every marked string (babel.cfg) into messages.pot, bring each language's .po up to
# date with it (new and changed strings come in empty: translate them), then compile. Folders
# whose names start with "_" are read too (templates/_macros: Babel skips them by default).
translations: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
		--ignore-dirs ".* node_modules __pycache__" \
		--no-location --no-wrap --sort-output --project "Gemba Walk" --version 0.1 --copyright-holder "Gemba Walk" --msgid-bugs-address "" \
		-o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel -q update --no-wrap -N --ignore-obsolete -i $(TRANSLATIONS)/messages.pot \
		-d $(TRANSLATIONS)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

# Make sure Playwright has a Chromium: the distribution's (as root with apt), else its own.
chromium: install
	@if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then \
		: ; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "Installing Playwright's own Chromium for the browser tests..."; \
		$(BIN)/python -m playwright install chromium; \
	fi

# Serve the app with demo data on http://127.0.0.1:$(PORT) (debug off).
run: install
	$(FLASK) db upgrade
	$(FLASK) demo-if-empty
	@echo
	@echo "Gemba Walk: http://127.0.0.1:$(PORT)"
	@echo "Demo sign-ins (password gemba-demo):"
	@echo "  manager@example.org   director@example.org"
	@echo "  coach@example.org     admin@example.org"
	@echo
	$(FLASK) run --host 127.0.0.1 --port $(PORT) --no-debug

# Lint, check formatting and types, unit-test the offline scripts' pure rules with node's own
# test runner (no npm packages), then run every Python test (browser tests included).
test: install chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy gembawalk
	@command -v node >/dev/null 2>&1 || { echo "Node.js 20 or later is needed: node --test runs tests/js/."; exit 1; }
	node --test tests/js/
	$(BIN)/pytest

# Save phone and desktop screenshots of the demo to static/screenshots/.
screenshots: install chromium
	$(BIN)/python -m tests.browser.screenshots
	$(BIN)/python -m tests.browser.offline_screenshots

# Draw the app icons (PNG) from static/icons/icon.svg; commit the result.
icons: install chromium
	$(BIN)/python -m tests.browser.make_icons

# Run the benchmarks in bench/, if there are any yet; bench/_*.py are helpers they import.
# Every one runs; then it fails, naming them, if any missed its target (README: Benchmarks).
bench: install chromium
	@if ls bench/[!_]*.py >/dev/null 2>&1; then \
		failed=""; for f in bench/[!_]*.py; do $(BIN)/python $$f || failed="$$failed $$f"; done; \
		if [ -n "$$failed" ]; then echo "Targets missed:$$failed"; exit 1; fi; \
	else \
		echo "No benchmarks yet: they arrive with the engagement and sync work."; \
	fi

# Lighthouse (mobile profile) on sign-in, Today, Record a walk and the leaderboard, against
# gunicorn serving the demo: prints the scores and bytes, fails when a budget is missed.
audit: install chromium
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python bench/lighthouse/audit.py

# Remove the environment, built assets and caches (instance/ and its database are kept).
clean:
	rm -rf $(VENV) static/gen $(CATALOGUES) .pytest_cache .ruff_cache test-results build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
