# Two commands set everything up on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
export DATABASE_URL ?= sqlite:///$(CURDIR)/instance/sandbox.sqlite

.PHONY: run test test-fast test-e2e test-postgres translations check-migrations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python setup.cfg
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

translations/ko/LC_MESSAGES/messages.mo: $(STAMP) translations/ko/LC_MESSAGES/messages.po translations/en/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile --statistics -d translations
	touch $@

translations: translations/ko/LC_MESSAGES/messages.mo

run: $(STAMP) translations
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo-data
	@echo "Serving on http://127.0.0.1:5000 (Ctrl-C to stop)"
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(STAMP) translations
	$(BIN)/lint-imports
	env -u DATABASE_URL $(BIN)/pytest -q

# The inner loop: everything but the browser tests and the slow drills, scale and race runs.
test-fast: $(STAMP) translations
	env -u DATABASE_URL $(BIN)/pytest -q -m "not slow and not e2e"

test-e2e: $(STAMP) translations
	env -u DATABASE_URL $(BIN)/pytest -q tests/e2e

check-migrations: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) db check

clean:
	rm -rf $(VENV) instance/sandbox.sqlite
