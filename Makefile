# Fremdrift: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run serve test test-replica lint format migrations-check messages install install-dev clean bench load

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py purge_access_log
	@echo "Fremdrift runs at http://127.0.0.1:$(PORT)/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production mode on this machine: DEBUG off, static files collected, gunicorn with
# deploy/gunicorn.conf.py, on DATABASE_URL or var/serve.sqlite3 (scripts/serve.py).
serve: $(VENV)/.installed
	$(PY) scripts/serve.py

test: $(VENV)/.installed-dev
	mkdir -p var/artifacts
	rm -f var/test.sqlite3*  # a run cut short leaves its WAL files, which break the next
	$(PY) -m ruff check .
	env -u DATABASE_URL $(PY) manage.py makemigrations --check --dry-run
	DB_CONN_MAX_AGE=0 $(PY) -m pytest -n 2 --dist loadfile

# The reports on a real read replica: scripts/replica.py starts a streaming replica of
# DATABASE_URL's PostgreSQL on port 5433 (REPLICA_PORT) and sets DATABASE_REPLICA_URL; with
# --replica, pytest collects fremdrift/reports/tests/replica/ (every report page, export and
# API operation and the dataset, on committed data read back from the replica) and runs them
# with the tests of which reads go there; then the replica is stopped.
test-replica: $(VENV)/.installed-dev
	$(PY) scripts/replica.py run env DB_CONN_MAX_AGE=0 $(PY) -m pytest --replica \
		fremdrift/reports/tests/replica fremdrift/reports/tests/test_replica_scope.py \
		fremdrift/core/tests/test_routers.py

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed-dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

migrations-check: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

# Extract the interface texts into the Danish catalogue and compile it (needs gettext).
messages: $(VENV)/.installed
	cd fremdrift && ../$(PY) ../manage.py makemessages --locale da --no-obsolete --add-location file
	cd fremdrift && ../$(PY) ../manage.py compilemessages --locale da

clean:
	rm -rf $(VENV) var

# A benchmark, not a test: builds a municipality-size database once (var/bench.sqlite3, or
# <DATABASE_URL>_bench on PostgreSQL) and prints the timings recorded in docs/performance.md;
# then imports and exports an exchange package of a million answers, and imports a realistic
# package of 2,000 citizens with enrolments and plans (bench/exchange.py).
bench: $(VENV)/.installed
	mkdir -p var
	$(PY) bench/run.py
	$(PY) bench/exchange.py --export-municipality --realistic 2000

# A load test, not a test: 50 caseworkers with a realistic mix against `make serve` (gunicorn,
# DEBUG off) on the bench database built under its keys (scripts/load.py; figures in
# docs/performance.md). LOAD_ARGS="--with-import" imports a million answers meanwhile.
load: $(VENV)/.installed
	mkdir -p var
	$(PY) scripts/load.py $(LOAD_ARGS)
