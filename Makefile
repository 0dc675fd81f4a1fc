# Runwatch. A fresh Debian 12 machine with the Swift 6 toolchain needs two commands (see README.md):
#   make demo   # install missing system packages, build in release mode, serve the live demo on :8080
#   make test   # install missing system packages, build every target and run every test (Swift, browser, API)

SHELL := /bin/bash
.DEFAULT_GOAL := build

APT_PACKAGES := libmicrohttpd-dev libsqlite3-dev libsodium-dev pkg-config
FORMAT_PATHS := Sources Tests Templates
FORMAT_CONFIG := --configuration .swift-format
RUNWATCH := .build/release/runwatch
DEMO_DB := ./runwatch-demo.db

.PHONY: deps build demo test test-faults test-postgres postgres-deps format lint browser-deps browser-test screenshots \
	install test-install test-python test-celery test-metrics test-docs test-laravel test-webhooks

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
	$(MAKE) postgres-deps
	swift build --build-tests
	swift test
	$(MAKE) test-postgres
	$(MAKE) test-faults
	$(MAKE) test-install
	$(MAKE) test-python
	$(MAKE) test-celery
	$(MAKE) test-laravel
	$(MAKE) test-metrics
	$(MAKE) test-webhooks
	$(MAKE) test-docs
	$(MAKE) browser-test
	SCHEMATHESIS_SEED=2026 $(MAKE) schemathesis

# Installs the binary and its assets: $(PREFIX)/bin/runwatch and $(PREFIX)/share/runwatch/Public (where the
# binary looks for them). `sudo make install`, then docs/runwatch.service for systemd. DESTDIR stages a package.
PREFIX ?= /usr/local
CONFIGURATION ?= release
install: deps
	swift build -c $(CONFIGURATION) --product runwatch
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/runwatch/Public"
	install -m 755 "$$(swift build -c $(CONFIGURATION) --show-bin-path)/runwatch" "$(DESTDIR)$(PREFIX)/bin/runwatch"
	cp -RL Public/. "$(DESTDIR)$(PREFIX)/share/runwatch/Public/"

# The Python client (clients/python, standard library only) against a real `runwatch serve`.
test-python: deps
	$(call apt_install_missing,python3)
	swift build --product runwatch
	RUNWATCH=$(CURDIR)/.build/debug/runwatch python3 -m unittest discover -s clients/python/tests -v

# runwatch.celery against real Celery workers on a real Redis (clients/python/tests/celery_worker): Debian's
# redis-server on a free loopback port, the pinned Celery of requirements.txt in .build/celery-venv.
CELERY_VENV := .build/celery-venv
CELERY_REQUIREMENTS := clients/python/tests/celery_worker/requirements.txt
$(CELERY_VENV)/.installed: $(CELERY_REQUIREMENTS)
	test -x $(CELERY_VENV)/bin/python || python3 -m venv $(CELERY_VENV)
	$(CELERY_VENV)/bin/pip install -q -r $(CELERY_REQUIREMENTS)
	touch $@

test-celery: deps
	$(call apt_install_missing,python3 python3-venv redis-server)
	$(MAKE) $(CELERY_VENV)/.installed
	swift build --product runwatch
	cd clients/python/tests/celery_worker && RUNWATCH=$(CURDIR)/.build/debug/runwatch REDIS_SERVER=$$(command -v redis-server || echo /usr/bin/redis-server) \
	  $(CURDIR)/$(CELERY_VENV)/bin/python -m unittest -v test_celery_worker

# The PHP client and Runwatch\Laravel against real illuminate/queue workers (Tests/laravel/run-suite.php): Debian's
# Laravel 8.83 components, Worker::daemon processes on the database driver (SQLite), a runwatch serve on a free
# loopback port; every process it starts is stopped by PID. config and phpdotenv serve the service provider's check.
LARAVEL_APT_PACKAGES := php-cli php-curl php-sqlite3 php-illuminate-queue php-illuminate-database php-illuminate-events \
	php-illuminate-bus php-illuminate-config php-vlucas-phpdotenv
test-laravel: deps
	$(call apt_install_missing,$(LARAVEL_APT_PACKAGES))
	swift build --product runwatch
	RUNWATCH=$(CURDIR)/.build/debug/runwatch php Tests/laravel/run-suite.php

# `/metrics` of a real server after real traffic, checked by Prometheus's `promtool check metrics` (Debian
# `prometheus`, installed when missing) and for the families and labels dashboards rely on.
test-metrics: deps
	$(call apt_install_missing,curl python3 prometheus)
	swift build --product runwatch
	RUNWATCH=$(CURDIR)/.build/debug/runwatch Tests/live/metrics.sh

# Webhooks against a real `runwatch serve` and a real receiver: signatures, retries, a receiver that is down, kill -9
# and a clean restart in the middle of a queue (Tests/live/webhooks.sh; about 30 s).
test-webhooks: deps
	$(call apt_install_missing,curl python3)
	swift build --product runwatch
	RUNWATCH=$(CURDIR)/.build/debug/runwatch Tests/live/webhooks.sh

# The runnable shell and Python blocks of README.md, docs/*.md and clients/python/README.md, executed as written
# against a real `runwatch serve --demo` (Tests/docs/run-doc-blocks.py; a block must be marked run or skip).
test-docs: deps
	$(call apt_install_missing,python3 curl jq)
	swift build --product runwatch
	python3 Tests/docs/run-doc-blocks.py .build/debug/runwatch

# `make install` into a temporary DESTDIR (debug build), then the installed binary serves its assets.
test-install: deps
	$(call apt_install_missing,curl)
	Tests/live/install.sh

# The PostgreSQL side of the suite (Tests/live/test-postgres.sh): a throw-away cluster (initdb into a temp
# directory, loopback on a free port, owned by `postgres` when run as root) started for the run and stopped by PID.
# It runs the whole Swift suite on PostgreSQL (a schema per test), then three `serve` instances on one database
# racing workers, with kill -9 of the healing instance (Tests/live/three-instances.sh).
POSTGRES_APT_PACKAGES := libpq-dev postgresql python3
postgres-deps:
	$(call apt_install_missing,$(POSTGRES_APT_PACKAGES))

test-postgres: deps postgres-deps
	swift build --build-tests
	Tests/live/test-postgres.sh

# Fault tests (Tests/faults): a full disk, slow clients, sign-in lockout abuse, malformed HTTP framing, and a race
# of 1,000 runs with kill -9 mid-heal, each against a real `runwatch serve` on loopback. The disk-full test mounts a small tmpfs and says SKIP where it cannot.
FAULT_APT_PACKAGES := curl python3 sqlite3
test-faults: deps
	$(call apt_install_missing,$(FAULT_APT_PACKAGES))
	swift build --product runwatch
	RUNWATCH=$(CURDIR)/.build/debug/runwatch Tests/faults/run.sh

# The real-browser suite (Tests/browser): headless Debian Chromium driven by Selenium from a venv, axe-core on
# every page, against a `runwatch serve` it starts on a seeded temp database and stops by PID. Page screenshots
# go to .build/browser-screenshots/. `make screenshots` runs the same suite and also rewrites the README's
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

# Schemathesis (PyPI, pinned, in .venv) against the worker API of a real `runwatch serve` on a seeded temp database:
# every operation in docs/openapi.yaml, all checks (Tests/live/schemathesis.sh). Part of `make test`.
SCHEMATHESIS_VERSION := 4.32.5
SCHEMATHESIS_STAMP := .venv/.schemathesis-$(SCHEMATHESIS_VERSION)
.PHONY: schemathesis bench bench-incident

$(SCHEMATHESIS_STAMP):
	test -x .venv/bin/python || python3 -m venv .venv
	.venv/bin/pip install -q 'schemathesis==$(SCHEMATHESIS_VERSION)'
	touch $@

schemathesis: deps
	$(call apt_install_missing,curl python3-venv)
	$(MAKE) $(SCHEMATHESIS_STAMP)
	swift build --product runwatch
	Tests/live/schemathesis.sh

# Benchmarks anyone can run (see docs/benchmarks.md): reconcile ticks over 1,000,000 runs, seeding 1,000,000 runs,
# and wrk against a real server on that file (every page kind, signed in, and the worker API heartbeat).
# BENCH_RUNS=100000 or BENCH_SECONDS=10 change its size. Results: .build/bench/results.md.
bench: deps postgres-deps
	$(call apt_install_missing,curl wrk)
	swift build -c release --product runwatch
	swift build -c release --product runwatch-bench
	Tests/live/bench.sh
	$(MAKE) bench-incident

# The incident benchmark (see docs/benchmarks.md): 1,000,000 runs, 100,000 of them lose their workers at once;
# serve's own loop heals them while wrk reads /operations and sends heartbeats; nginx serves the same bytes for the
# ratio; callgrind counts instructions per /operations request. BENCH_RUNS / BENCH_STALE make it smaller.
# Results: .build/bench-incident/results.md.
bench-incident: deps
	$(call apt_install_missing,curl wrk nginx valgrind python3)
	swift build -c release --product runwatch
	swift build -c release --product runwatch-bench
	Tests/live/bench-incident.sh
