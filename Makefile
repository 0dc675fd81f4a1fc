# Runwatch. A fresh Debian 12 machine with the Swift 6 toolchain needs two commands (see README.md):
#   make demo   # install missing system packages, build in release mode, serve the live demo on :8080
#   make test   # install missing system packages, build every target and run every test

SHELL := /bin/bash
.DEFAULT_GOAL := build

APT_PACKAGES := libmicrohttpd-dev libsqlite3-dev libsodium-dev pkg-config
FORMAT_PATHS := Sources Tests Templates
FORMAT_CONFIG := --configuration .swift-format
RUNWATCH := .build/release/runwatch
DEMO_DB := ./runwatch-demo.db

.PHONY: deps build demo test format lint browser-deps browser-test screenshots

# Installs only the Debian packages in $(1) that are missing; `apt-get update` runs only when something is.
define apt_install_missing
@missing=""; \
	for package in $(1); do \
	  dpkg -s "$$package" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then echo "System packages present: $(1)"; exit 0; fi; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null; then sudo="sudo"; \
	else echo "make $@: missing$$missing and not root (no sudo available)" >&2; exit 1; fi; \
	echo "Installing$$missing"; \
	$$sudo apt-get update && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing
endef

deps:
	@command -v swift >/dev/null || { echo "make deps: the Swift 6 toolchain (swift) is not on PATH" >&2; exit 1; }
	$(call apt_install_missing,$(APT_PACKAGES))

build:
	swift build -c release --product runwatch

# The live demo: seeds ./runwatch-demo.db on first use, prints the sign-ins, serves http://127.0.0.1:8080 with the
# demo policy, the reconcile loop and a simulated worker fleet. Ctrl-C stops it; run again to continue.
DEMO_PORT ?= 8080
demo:
	$(MAKE) deps
	$(MAKE) build
	$(RUNWATCH) serve --demo --db $(DEMO_DB) --port $(DEMO_PORT) --public Public

test:
	$(MAKE) deps
	swift build --build-tests
	swift test
	$(MAKE) browser-test

# The real-browser suite (Tests/browser): headless Debian Chromium driven by Selenium from a venv, axe-core on
# every page, against a `runwatch serve` it starts on a seeded temp database and stops by PID. Page screenshots
# go to .build/browser-screenshots/. `make screenshots` runs the same suite and also rewrites the README's two
# pictures in docs/screenshots/.
BROWSER_APT_PACKAGES := chromium chromium-driver fonts-dejavu-core python3-venv
BROWSER_VENV_STAMP := .venv/.browser-requirements
BROWSER_SUITE := RUNWATCH_BIN=$(CURDIR)/.build/debug/runwatch .venv/bin/python -m pytest Tests/browser

browser-deps:
	$(call apt_install_missing,$(BROWSER_APT_PACKAGES))

$(BROWSER_VENV_STAMP): Tests/browser/requirements.txt
	test -x .venv/bin/python || python3 -m venv .venv
	.venv/bin/pip install -q -r Tests/browser/requirements.txt
	touch $@

browser-test: deps browser-deps $(BROWSER_VENV_STAMP)
	swift build --product runwatch
	$(BROWSER_SUITE)

screenshots: deps browser-deps $(BROWSER_VENV_STAMP)
	swift build --product runwatch
	RUNWATCH_README_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BROWSER_SUITE)

format:
	swift format -i -r $(FORMAT_CONFIG) $(FORMAT_PATHS)

lint:
	swift format lint -r --strict $(FORMAT_CONFIG) $(FORMAT_PATHS)

# Runs schemathesis (PyPI, in .venv) against the worker API on a live socket, then stops the server by PID.
# The server is the API test harness (Tests/RunwatchWebTests/APIServeHarness.swift) on a seeded temp database.
HARNESS_DIR := .build/api-harness
.PHONY: schemathesis bench-heartbeat
schemathesis:
	@test -x .venv/bin/schemathesis || { python3 -m venv .venv && .venv/bin/pip install -q schemathesis; }
	swift build --build-tests
	rm -rf $(HARNESS_DIR) && mkdir -p $(HARNESS_DIR)
	RUNWATCH_API_HARNESS_DIR=$(CURDIR)/$(HARNESS_DIR) swift test --skip-build --filter APIServeHarness \
	  > $(HARNESS_DIR)/server.log 2>&1 & echo $$! > $(HARNESS_DIR)/pid
	@for i in $$(seq 1 300); do test -s $(HARNESS_DIR)/run_id && break; sleep 0.2; done
	@test -s $(HARNESS_DIR)/run_id || { cat $(HARNESS_DIR)/server.log; kill $$(cat $(HARNESS_DIR)/pid); exit 1; }
	status=0; .venv/bin/schemathesis --config-file docs/schemathesis.toml run docs/openapi.yaml \
	  --url http://127.0.0.1:$$(cat $(HARNESS_DIR)/port)/api/v1 \
	  -H "Authorization: Bearer $$(cat $(HARNESS_DIR)/token)" --checks all --max-examples 100 || status=$$?; \
	touch $(HARNESS_DIR)/stop; wait_pid=$$(cat $(HARNESS_DIR)/pid); \
	for i in $$(seq 1 50); do kill -0 $$wait_pid 2>/dev/null || break; sleep 0.2; done; \
	kill $$wait_pid 2>/dev/null; exit $$status

# Requests per second for heartbeat under wrk (docs/bench/heartbeat.lua), against the same harness.
bench-heartbeat:
	swift build --build-tests
	rm -rf $(HARNESS_DIR) && mkdir -p $(HARNESS_DIR)
	RUNWATCH_API_HARNESS_DIR=$(CURDIR)/$(HARNESS_DIR) swift test --skip-build --filter APIServeHarness \
	  > $(HARNESS_DIR)/server.log 2>&1 & echo $$! > $(HARNESS_DIR)/pid
	@for i in $$(seq 1 300); do test -s $(HARNESS_DIR)/run_id && break; sleep 0.2; done
	RUNWATCH_TOKEN=$$(cat $(HARNESS_DIR)/token) RUNWATCH_RUN_ID=$$(cat $(HARNESS_DIR)/run_id) \
	  wrk -t2 -c16 -d10s -s docs/bench/heartbeat.lua http://127.0.0.1:$$(cat $(HARNESS_DIR)/port); \
	touch $(HARNESS_DIR)/stop; kill $$(cat $(HARNESS_DIR)/pid) 2>/dev/null; true
