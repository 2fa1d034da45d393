# One command to run the site, one to run the tests.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test e2e install bench bench-large docs translations clean

$(STAMP): setup.cfg pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -e '.[postgres,site,dev]'
	touch $(STAMP)

install: $(STAMP)

# The web server and, beside it, the worker that runs the forum's jobs (notification fan-out,
# emails, digests); the worker stops when the server does.
run: $(STAMP)
	$(BIN)/flask forum upgrade
	$(BIN)/flask forum load-demo --if-empty
	$(BIN)/flask forum worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Two workers (pytest-xdist), each with its own PostgreSQL database and Redis db (tests/workers.py);
# a test file stays on one worker (dealt out one by one, tests ran slower: 65% at 12 min).
# Three saved 47 s of 886 (2026-11-30) and made a timing test of the job queue fail.
# TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Only the browser tests (Debian's Chromium; axe-core is fetched from npm on first use).
e2e: $(STAMP)
	$(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench.confidentiality
	$(BIN)/python -m bench.notifications
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-large: $(STAMP)
	$(BIN)/python -m bench.run --large $(BENCH_ARGS)

# Rewrite the settings table in docs/operations.md from forum/settings.py.
docs: $(STAMP)
	$(BIN)/python -m forum.settings_doc

# Extract every marked string into build/forum.pot, merge it into each catalogue
# (forum/translations/<locale>/LC_MESSAGES/forum.po), then compile each one to check it (the
# forum itself reads the .po files, so no compiled file is kept).
translations: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k lazy_ngettext:1,2 -k _lazy \
		--no-location --sort-output --project=coaching-forum -o build/forum.pot .
	$(BIN)/pybabel -q update -i build/forum.pot -d forum/translations -D forum \
		--no-fuzzy-matching --ignore-obsolete --width 100
	for po in forum/translations/*/LC_MESSAGES/forum.po; do \
		$(BIN)/pybabel compile --statistics -D forum -i $$po -o build/forum.mo || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info
