# foitrack: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
# the demo's ephemeral Prefect server: on a fresh clone its first start compiles Prefect's
# modules, which took longer than the default 20 s on a loaded 2-core machine
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 90
export DO_NOT_TRACK := 1

.PHONY: demo test install lint bench system-deps clean lock deploy

# uv installs the lock in half a minute where pip takes about two; pip if uv cannot. Bytecode
# compiled at install, as pip does: with PYTHONDONTWRITEBYTECODE set, every process of the
# suite would compile Prefect and the rest again (a fresh clone's make test took 3 min longer)
UV_VERSION := 0.13.10
UV = $(BIN)/uv pip install --quiet --native-tls --compile-bytecode --python $(BIN)/python

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	{ $(BIN)/pip install --quiet uv==$(UV_VERSION) && $(UV) -r requirements.lock \
	  && $(UV) --no-deps -e . ; } \
	|| { $(BIN)/pip install --quiet -r requirements.lock \
	  && $(BIN)/pip install --quiet --no-deps -e . ; }
	touch $(STAMP)

install: $(STAMP)

demo: install  ## run the whole pipeline on the 209 CCGs with simulated replies
	$(BIN)/foi demo --home foi-data

# Test processes: one per core (TEST_WORKERS=N to change). loadfile keeps each test file on
# one worker, so a module's fixtures are built once; files go out in the order conftest.py
# sorts the tests, the longest-running first. (Not loadgroup: pytest-xdist 3.8 groups by
# rewriting Item._nodeid, which pytest 9 no longer reads.)
TEST_WORKERS ?= auto

test: install system-deps  ## install everything and run the test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=10

system-deps:
	@bash scripts/system-deps.sh

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/reading.py
	$(BIN)/python bench/extraction_accuracy.py --errors 0
	$(BIN)/python bench/reply_accuracy.py --errors 0
	$(BIN)/python bench/calibrate.py
	$(BIN)/python bench/status.py
	$(BIN)/python bench/snapshot.py
	$(BIN)/python bench/extract_rerun.py
	$(BIN)/python bench/page.py
	$(BIN)/python bench/desk.py
	$(BIN)/python bench/tables.py
	$(BIN)/python bench/imap.py
	$(BIN)/python bench/mail_memory.py
	$(BIN)/python bench/bookkeeping.py
	$(BIN)/python bench/registries.py
	$(BIN)/python bench/cli_start.py
	$(BIN)/python bench/extract_memory.py

deploy: install  ## deploy prefect.yaml's flows to the server at $$PREFECT_API_URL
	@test -n "$$PREFECT_API_URL" || { echo "set PREFECT_API_URL, e.g. http://127.0.0.1:4200/api"; exit 1; }
	FOITRACK_DIR=$(CURDIR) $(BIN)/prefect --no-prompt deploy --all

lint: install
	$(BIN)/ruff check .

lock:  ## re-resolve the pinned dependencies into requirements.lock
	rm -rf /tmp/foitrack-lock && $(PYTHON) -m venv /tmp/foitrack-lock
	/tmp/foitrack-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/foitrack-lock/bin/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(VENV) foi-data .prefect .pytest_cache .ruff_cache
