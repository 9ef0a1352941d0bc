SHELL := /bin/bash
# Sealkeeper — the two commands a new machine needs: `make run` and `make test`.
# Both install missing Debian packages first (with sudo when not root).

SWIFT ?= swift
DEB_PACKAGES := libsqlite3-dev sqlite3 zlib1g-dev unzip file libpcsclite-dev pcscd vsmartcard-vpcd opensc yubico-piv-tool curl util-linux systemd python3-openpyxl \
	fiu-utils libfiu-dev socat gcc postgresql time
# The reliability suite's Python tools (pytest, and schemathesis at the version the suite was written against).
PY_PACKAGES := pytest schemathesis==4.32.5
BIN := .build/debug
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps py-deps build build-run run run-county release test reliability crash-test bench bench-county check-openapi clean format render-docs

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

py-deps:
	@python3 -c 'import pytest, schemathesis' 2>/dev/null || python3 -m pip install -q $(PY_PACKAGES)

build: deps
	$(SWIFT) build --build-tests

# Only what `make run` runs: the daemon, sealctl and the card simulator (no tests).
build-run: deps
	$(SWIFT) build --product sealkeeperd
	$(SWIFT) build --product sealctl
	$(SWIFT) build --product sealcard-sim

# Runs the daemon in the foreground on ./var with a demo config that gives you every role; with no real PC/SC
# reader, a private pcscd with sealcard-sim provides the electronic seal's card (scripts/run-demo.sh).
# Ctrl-C reaches the daemon alone (scripts/foreground.py), so `make run` exits with its status: 0.
run: build-run
	@python3 scripts/foreground.py env BIN=$(BIN) scripts/run-demo.sh

# The county service on a private PostgreSQL under ./var/county (Unix socket only), with a demo config that trusts
# the `make run` township (scripts/run-county.sh). Start `make run` first, in another terminal.
run-county: deps
	$(SWIFT) build --product sealcountyd
	$(SWIFT) build --product sealctl
	@python3 scripts/foreground.py env BIN=$(BIN) scripts/run-county.sh

# The OpenAPI document must stay a valid OpenAPI 3.1 description.
check-openapi:
	@python3 -c 'import openapi_spec_validator' 2>/dev/null || python3 -m pip install -q openapi-spec-validator
	python3 -m openapi_spec_validator docs/openapi.yaml
	python3 -m openapi_spec_validator docs/county-openapi.yaml

test: build check-openapi py-deps
	$(SWIFT) test --skip-build 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}
	$(MAKE) --no-print-directory reliability

# The real daemon under load, SIGKILL, injected I/O errors, a full filesystem, hostile peers and schemathesis
# (Tests/reliability, pytest; README "Reliability").
reliability: py-deps
	python3 -m pytest -q -p no:cacheprovider Tests/reliability

# The long crash run: SIGKILL under 16 writing clients, CYCLES times (README "Reliability" has the last result).
CYCLES ?= 200
crash-test: build py-deps
	python3 Tests/reliability/crash_run.py $(CYCLES)

# The binaries a township or a county installs (README "Installing under systemd"), optimised, with the Swift
# runtime and Foundation linked in: the machine needs only Debian's libsqlite3, libpcsclite and zlib, not the
# toolchain, and each sealctl call starts about 4 ms sooner (no Swift libraries to load and relocate). One product at
# a time: building everything would also link GRDB's dynamic library, which cannot take a static runtime. The
# benchmarks measure these same binaries; every release build here uses the flag, so none undoes another's work.
#
# Every function is compiled into its own section, so that the daemon's link can place the code its start-up runs
# side by side (README "Idle memory"): the daemon is linked once with a map, started on a small register under a
# tracer that notes each function it enters (scripts/order-startup-text.py), and linked again with the linker script
# that lists those sections first. The trace is taken afresh at every release build, so the layout follows the code.
# x86-64 only (the tracer's breakpoints); elsewhere the daemon keeps the ordinary layout.
RELEASE := $(SWIFT) build -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections
STARTUP_ORDER := .build/startup-order
release: deps
	mkdir -p $(STARTUP_ORDER)
	$(RELEASE) --product sealkeeperd -Xlinker -Map=$(CURDIR)/$(STARTUP_ORDER)/sealkeeperd.map
	$(RELEASE) --product sealctl
	$(RELEASE) --product sealcountyd
	if [ "$$(uname -m)" = x86_64 ]; then \
		python3 scripts/order-startup-text.py --bin .build/release --map $(STARTUP_ORDER)/sealkeeperd.map --out $(STARTUP_ORDER)/sealkeeperd.ld && \
		$(RELEASE) --product sealkeeperd -Xlinker -T -Xlinker $(CURDIR)/$(STARTUP_ORDER)/sealkeeperd.ld; \
	fi

# The write path, exports, verification, reports, start-up and memory of a release build beside their baselines
# (raw SQLite commits, sqlite3 -csv, sha256sum), measured in one run and appended to Benchmarks/RESULTS.md.
# Not part of `make test`. BENCH_SIZES=10000,100000 for a shorter run (1,000,000 takes about half an hour here).
BENCH_SIZES ?= 10000,100000,1000000
bench: release
	$(RELEASE) --product use-bench
	python3 Benchmarks/bench.py --bin .build/release --sizes $(BENCH_SIZES)

# The county mirror at a county's scale: BENCH_TOWNSHIPS townships × BENCH_USES uses pushed at once into one private
# PostgreSQL; ingestion, county-wide stats and CSV beside psql \copy, appended to Benchmarks/RESULTS.md. Not in CI.
BENCH_TOWNSHIPS ?= 30
BENCH_USES ?= 100000
bench-county: release
	$(RELEASE) --product county-bench
	python3 Benchmarks/bench_county.py --bin .build/release --townships $(BENCH_TOWNSHIPS) --uses $(BENCH_USES)

# The exported book's summary pages rendered as a person sees them (headless Chromium, LibreOffice) into docs/.
render-docs: build-run
	@for p in chromium libreoffice-calc-nogui poppler-utils fonts-noto-cjk; do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi
	BIN=$(BIN) scripts/render-book.sh

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build var
