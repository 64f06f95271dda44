# Two commands for a newcomer (see README): `make demo` and `make test`.
# uv is installed into .tools/ from PyPI, so nothing but python3 (3.11+) is needed beforehand.

UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PACKAGES := contracts readmodels eventlog services cli scenarios importing exporting bench tests
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup demo docs test lint unit integration e2e faults bench bench-smoke soak replay-equality clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode is compiled once here: where PYTHONDONTWRITEBYTECODE is set (as on CI), every service
# process would otherwise compile FastAPI, pydantic and redis again, ~2.5 s of each start.
# The org chart is laid out by Graphviz's `dot` (Debian's graphviz), installed here if missing.
setup: $(UV)
	@command -v dot >/dev/null || { echo "Installing graphviz (apt-get) for the org chart"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
	  apt-get install -y -qq --no-install-recommends graphviz >/dev/null; }
	$(UV) sync --frozen --compile-bytecode
	$(UV) run python -m compileall -q $(PACKAGES)

demo: setup
	$(UV) run estab up --demo

# Each service's OpenAPI and AsyncAPI into docs/api (cli/api_documents.py); the unit tests fail
# when the files there differ from what the code generates.
docs: setup
	$(UV) run python -m cli.api_documents docs/api

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy .

# After the suite, the scale benchmark at smoke size (~10,000 events, a few minutes), so it
# never rots: it fails on an error or a stage that never catches up, never on a missed target,
# and writes only bench/results/smoke.json (git-ignored). Then half a minute of the soak, which
# fails on anything lost, duplicated or uncosted and records nothing.
test: lint
	$(UV) run pytest
	$(UV) run python bench/scale.py --smoke
	$(UV) run python bench/soak.py --minutes 0.5 --no-record

# Five minutes of writes with faults injected (docs/RELIABILITY.md); appends to bench/RESULTS.md.
soak: setup
	$(UV) run python bench/soak.py --minutes 5

unit: setup
	$(UV) run pytest tests/unit

integration: setup
	$(UV) run pytest tests/integration

e2e: setup
	$(UV) run pytest tests/e2e

faults: setup
	$(UV) run pytest tests/faults

bench-smoke: setup
	$(UV) run python bench/scale.py --smoke

# Live services, `estab replay` and `estab replay --archive` give the same structure, at-risk list
# and ledger over a generated 100,000-command history (bench/replay_equality.py; --smoke for ~10,000).
replay-equality: setup
	$(UV) run python bench/replay_equality.py

# The issue's size; writes bench/results/latest.json and appends to bench/RESULTS.md.
bench: setup
	$(UV) run python bench/scale.py --posts 50000 --events 1000000
	$(UV) run python bench/replay.py
	$(UV) run python bench/grading.py
	$(UV) run python bench/finance.py
	$(UV) run python bench/recruitment.py
	$(UV) run python bench/tenants.py
	$(UV) run python bench/imports.py

clean:
	rm -rf $(TOOLS) .venv data
