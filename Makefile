# opgov: `make demo` runs the story on the embedded chain; `make test` runs every test.
# Both set up everything they need on a fresh machine first (virtualenv, Python
# and npm packages, Chromium for the browser tests).

SHELL := /bin/bash
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PYTHON ?= python3
# ape-vyper uses the PyPI `vyper` only when it is on PATH; ape-foundry finds `anvil` on PATH
export PATH := $(BIN):$(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: demo test install chromium node benchmarks wallet clean

# the demo needs only the Python packages (the embedded chain runs in-process)
demo: $(VENV)/.installed
	opgov demo

test: install
	pytest -n 2 --dist loadgroup

install: $(VENV)/.installed node_modules/.installed chromium

# the browser tests drive Debian's Chromium (CI runs as root on a fresh Debian machine)
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium) || \
		(echo "install Debian's chromium package (as root: apt-get install chromium), then run make again" && exit 1)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# a local node that keeps state between commands: use --network ethereum:local:foundry
node: install
	anvil --port 8545

# the page's wallet code: wallet/src/wallet.js and viem bundled into static/wallet.js (committed)
wallet: node_modules/.installed
	python -m opgov.dashboard.wallet_build

benchmarks: install
	for b in benchmarks/*_gas.py; do python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules .build .pytest_cache .hypothesis
