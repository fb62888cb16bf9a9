# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: run test lint bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## run: set everything up (venv, dependencies, migrations, demo data on first start) and serve,
## with one scheduler beside the web server that stops when it does
run: $(BIN)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	$(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## test: set up and run the whole suite (TEST_DATABASE_URL picks PostgreSQL; SQLite otherwise)
test: $(BIN)/.installed
	TRACKER_ENV=test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check tracker config tests bench wsgi.py
	$(BIN)/mypy --strict tracker/pathway/stages.py tracker/pathway/dates.py tracker/pathway/screening.py

bench: $(BIN)/.installed
	$(BIN)/python bench/people_api.py

## bench-sweep: time the alert sweep at 25,000 and 250,000 people in PostgreSQL (BENCH_DATABASE_URL, BENCH_SIZES)
bench-sweep: $(BIN)/.installed
	$(BIN)/python bench/sweep.py

clean:
	rm -rf $(VENV) .pytest_cache test-output
