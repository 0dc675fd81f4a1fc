# Runwatch. A fresh Debian 12 machine with the Swift 6 toolchain needs two commands (see README.md):
#   make demo   # install missing system packages, build, create the demo database, validate the policy
#   make test   # install missing system packages, build every target and run every test

SHELL := /bin/bash
.DEFAULT_GOAL := build

APT_PACKAGES := libmicrohttpd-dev libsqlite3-dev libsodium-dev pkg-config
FORMAT_PATHS := Sources Tests Templates
FORMAT_CONFIG := --configuration .swift-format
RUNWATCH := .build/release/runwatch
DEMO_DB := ./runwatch-demo.db

.PHONY: deps build demo test format lint

# Installs only the Debian packages that are missing; `apt-get update` runs only when something is.
deps:
	@command -v swift >/dev/null || { echo "make deps: the Swift 6 toolchain (swift) is not on PATH" >&2; exit 1; }
	@missing=""; \
	for package in $(APT_PACKAGES); do \
	  dpkg -s "$$package" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then echo "System packages present: $(APT_PACKAGES)"; exit 0; fi; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null; then sudo="sudo"; \
	else echo "make deps: missing$$missing and not root (no sudo available)" >&2; exit 1; fi; \
	echo "Installing$$missing"; \
	$$sudo apt-get update && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing

build:
	swift build -c release --product runwatch

# Later issues turn this into `runwatch serve --demo`.
demo:
	$(MAKE) deps
	$(MAKE) build
	$(RUNWATCH) migrate --db $(DEMO_DB)
	$(RUNWATCH) policy validate --db $(DEMO_DB)

test:
	$(MAKE) deps
	swift build --build-tests
	swift test

format:
	swift format -i -r $(FORMAT_CONFIG) $(FORMAT_PATHS)

lint:
	swift format lint -r --strict $(FORMAT_CONFIG) $(FORMAT_PATHS)
