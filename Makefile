# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: run test lint fuzz bench bench-import bench-cluster clean assets chromium apt-install

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## assets: GOV.UK and MoJ Frontend and Chart.js from npm (package-lock.json), copied into tracker/static/ (gitignored);
## skipped while node_modules and the copy are newer than package.json and its lock
NODE_STAMP := node_modules/.installed
ASSETS_STAMP := tracker/static/.built
assets: $(ASSETS_STAMP)

$(NODE_STAMP): package.json $(wildcard package-lock.json)
	@command -v npm >/dev/null || $(MAKE) --no-print-directory apt-install PACKAGES="nodejs npm"
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; \
	else npm install --no-audit --no-fund --loglevel=error; fi
	@touch $@

$(ASSETS_STAMP): $(NODE_STAMP)
	@rm -rf tracker/static && mkdir -p tracker/static/assets
	@cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js tracker/static/
	@cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js tracker/static/
	@cp node_modules/chart.js/dist/chart.umd.min.js tracker/static/
	@cp -R node_modules/govuk-frontend/dist/govuk/assets/. node_modules/@ministryofjustice/frontend/moj/assets/. tracker/static/assets/
	@touch $@

## chromium: Debian's chromium for the browser tests (as root; apt-get update only if the install needs it)
chromium:
	@[ -x /usr/bin/chromium ] || $(MAKE) --no-print-directory apt-install PACKAGES=chromium

apt-install:
	@if [ "$$(id -u)" != 0 ]; then echo "Install $(PACKAGES) with: sudo apt-get install $(PACKAGES)" >&2; exit 1; fi
	@DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PACKAGES) >/dev/null 2>&1 || \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PACKAGES) >/dev/null; }

## run: set everything up (venv, dependencies, migrations, demo data on first start) and serve,
## with one scheduler beside the web server that stops when it does
run: $(BIN)/.installed assets
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	$(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## test: set up and run the whole suite (TEST_DATABASE_URL picks PostgreSQL; SQLite otherwise)
test: $(BIN)/.installed assets chromium
	TRACKER_ENV=test $(BIN)/python -m pytest $(PYTEST_ARGS)

## lint: ruff check and format, mypy --strict on the pure modules, plain mypy on all of tracker/
## (less pyproject.toml's documented ignore list), and the benchmarks' calls into it
lint: $(BIN)/.installed
	$(BIN)/ruff check tracker config tests bench wsgi.py
	$(BIN)/ruff format --check tracker config tests bench wsgi.py
	$(BIN)/mypy --strict tracker/pathway/stages.py tracker/pathway/dates.py tracker/pathway/screening.py \
		tracker/pathway/referrals.py tracker/pathway/enforcement.py tracker/pathway/bounds.py tracker/pathway/release_rows.py tracker/pathway/release_plan.py \
		tracker/pathway/continuity.py \
		tracker/privacy.py tracker/pathway/equality.py tracker/reports/suppression.py tracker/reports/periods.py
	$(BIN)/mypy tracker
	@# The benchmarks are not run in CI: check at least that their calls into tracker/ still fit.
	$(BIN)/mypy --check-untyped-defs --disable-error-code=union-attr --disable-error-code=index bench

## fuzz: schemathesis for every role (and none) against gunicorn on a fresh, seeded database; fails on
## any 5xx (FUZZ_DATABASE_URL, an empty database; FUZZ_SEED, FUZZ_MAX_EXAMPLES, FUZZ_ROLES). A slice of it
## runs in make test (tests/test_fuzz.py).
fuzz: $(BIN)/.installed
	$(BIN)/python tests/fuzz/run.py

bench: $(BIN)/.installed
	$(BIN)/python bench/people_api.py

## bench-sweep: time the alert sweep at 25,000 and 250,000 people in PostgreSQL (BENCH_DATABASE_URL, BENCH_SIZES)
bench-sweep: $(BIN)/.installed
	$(BIN)/python bench/sweep.py

## bench-reports: time every report on five years of national data in PostgreSQL (BENCH_DATABASE_URL,
## BENCH_PEOPLE; BENCH_REUSE=1 to time again without building)
bench-reports: $(BIN)/.installed
	$(BIN)/python bench/reports.py

## bench-sms: time 2,000 release-day texts through the Twilio stand-in at 150 ms, at the configured
## concurrency and others (BENCH_CONCURRENCY; BENCH_DATABASE_URL, or =sqlite)
bench-sms: $(BIN)/.installed
	$(BIN)/python bench/sms_dispatch.py

## bench-cluster: three gunicorn instances and two schedulers on one PostgreSQL under wrk, the leading
## scheduler killed mid-dispatch; prints req/s, p50/p99, errors and whether every alert and text exists once
## (BENCH_DATABASE_URL; needs wrk: make apt-install PACKAGES=wrk)
bench-cluster: $(BIN)/.installed
	$(BIN)/python bench/cluster.py

## bench-import: time `import releases` on 10,000 rows, half new and half known, in PostgreSQL
## (BENCH_DATABASE_URL; BENCH_ROWS=100000 for the large file, not run in CI)
bench-import: $(BIN)/.installed
	$(BIN)/python bench/import_releases.py

clean:
	rm -rf $(VENV) .pytest_cache test-output node_modules tracker/static
