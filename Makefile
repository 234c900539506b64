# RegionKit — `make demo` and `make test` set everything up on a fresh Debian machine.
SHELL := /bin/bash
SYSTEM_PACKAGES := libvips-dev libopenblas-dev pkg-config
SWIFT ?= swift
BUILD_FLAGS ?=
# Invariant checks of fragile data structures are compiled into test builds (STYLE.md).
TEST_ENV := REGIONKIT_INTERNAL_CHECKS=1

.PHONY: deps build demo test bench format lint clean loss-study

# Installs the system libraries with apt-get, only when one is missing (idempotent).
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build -c release $(BUILD_FLAGS) --product regionkit

demo: build
	@mkdir -p out
	./Scripts/demo.sh

test: deps
	$(TEST_ENV) $(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(TEST_ENV) $(SWIFT) test --skip-build --disable-xctest $(BUILD_FLAGS)

bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

# The box-regression loss study of Docs/losses.md (release build; ~45 min on a shared 2-core machine).
loss-study: deps
	./Tools/loss_study.sh

clean:
	rm -rf .build out

# Formatting with the toolchain's swift-format (.swift-format: 2-space indent, 100 columns).
format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
