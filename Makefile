# RegionKit — `make demo` and `make test` set everything up on a fresh Debian machine.
#
#   make demo         build the command line and run it on the bundled fixture photos
#   make test         build and run every test (Swift Testing; the XCTest runner is skipped)
#   make test-fast    the same without the tests tagged .slow (training, full-size photos,
#                     end-to-end training and detection): a few minutes less, for the edit loop
#   make docs         DocC documentation of every library module and of the umbrella module
#                     RegionKit, as one static site in out/docs (open out/docs/index.html
#                     through a web server, e.g. `python3 -m http.server -d out/docs`)
#   make bench        RegionKit's own benchmarks (the Benchmarks/ package); the comparisons
#                     with peer libraries are `Tools/peers/compare.sh NAME` (Docs/benchmarks.md)
#   make loss-study   the box-regression loss study of Docs/losses.md
#   make fuzz         libFuzzer harnesses of the file readers (Fuzz/), FUZZ_SECONDS (60) each;
#                     crashing inputs in out/fuzz/ (`make fuzz FUZZ_TARGETS=FuzzCOCO` runs one)
#   make format, make lint, make clean
SHELL := /bin/bash
SYSTEM_PACKAGES := libvips-dev libopenblas-dev pkg-config
SWIFT ?= swift
BUILD_FLAGS ?=
# Invariant checks of fragile data structures are compiled into test builds (STYLE.md).
TEST_ENV := REGIONKIT_INTERNAL_CHECKS=1

.PHONY: deps build demo test test-fast docs bench format lint clean loss-study fuzz

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

# `swift test` filters by name, not by tag: Scripts/slow-tests.sh turns the `.slow` tags in
# Tests/ into a name pattern for --skip.
test-fast: deps
	$(TEST_ENV) $(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(TEST_ENV) $(SWIFT) test --skip-build --disable-xctest $(BUILD_FLAGS) \
	  --skip '$(shell Scripts/slow-tests.sh)'

# DocC archives of the library modules and of RegionKit (Sources/RegionKit/RegionKit.docc),
# built by swift-docc-plugin as combined documentation, so links between modules resolve, then
# an index page listing the modules. DocC warnings fail the target (`make docs DOCC_FLAGS=`
# only reports them). The pages load their content with JavaScript from the site's root, so
# serve out/docs over HTTP rather than opening the files.
DOC_TARGETS := RegionKit Parallel Boxes Imaging Datasets Edges Segmentation ProposalIO Proposals \
  ProposalRuns Evaluation ProposalStudies NeuralNet ONNX Detectors DetectorTraining
DOCC_FLAGS ?= --warnings-as-errors
docs: deps
	rm -rf out/docs && mkdir -p out
	$(SWIFT) package $(BUILD_FLAGS) --allow-writing-to-directory out/docs generate-documentation \
	  $(addprefix --target ,$(DOC_TARGETS)) --enable-experimental-combined-documentation \
	  --output-path out/docs $(DOCC_FLAGS)
	@{ echo '<!doctype html><html lang="en"><head><meta charset="utf-8">'; \
	  echo '<title>RegionKit documentation</title></head><body style="font-family: sans-serif">'; \
	  echo '<h1>RegionKit documentation</h1><ul>'; \
	  for t in $(DOC_TARGETS); do \
	    echo "<li><a href=\"documentation/$$(echo $$t | tr A-Z a-z)/\">$$t</a></li>"; \
	  done; \
	  echo '</ul></body></html>'; } > out/docs/index.html
	@echo "Documentation in out/docs: python3 -m http.server -d out/docs, then open http://localhost:8000/"

bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

# The box-regression loss study of Docs/losses.md (release build; ~45 min on a shared 2-core machine).
loss-study: deps
	./Tools/loss_study.sh

# The libFuzzer harnesses of Fuzz/ (a separate package, never built by `make test`), built with
# Swift's fuzzer and address sanitizers: `--sanitize` so that SwiftPM links libFuzzer's `main`,
# and `-Xswiftc -sanitize=fuzzer,address` last, since swiftc keeps only the last `-sanitize=` and
# SwiftPM passes its sanitizers in no fixed order (Fuzz/README.md); a harness without coverage
# counters is refused. Each harness runs FUZZ_SECONDS with the
# seeds of Fuzz/Corpus/NAME, writes the inputs it finds to FUZZ_WORK (not the repository) and
# any crashing, leaking, out-of-memory or slow input to out/fuzz/NAME-*; the target fails when
# one harness found something, after running the others. Swift's own crash backtracer is off
# (ASan flags its memory reads); LeakSanitizer skips the known leaks of Fuzz/lsan-suppressions.txt.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= FuzzCOCO FuzzVOC FuzzProposalsJSONL FuzzSafeTensors FuzzNPZ FuzzNPY FuzzRunJSON \
  FuzzModelConfig FuzzModelFolder FuzzCheckpoint FuzzObjectness FuzzONNX
FUZZ_WORK ?= $(or $(TMPDIR),/tmp)/regionkit-fuzz
FUZZ_OPTIONS ?= -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
FUZZ_BUILD := $(SWIFT) build --package-path Fuzz --sanitize fuzzer --sanitize address \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library $(BUILD_FLAGS)
fuzz: deps
	@for t in $(FUZZ_TARGETS); do $(FUZZ_BUILD) --product $$t || exit 1; done
	@bin=$$($(FUZZ_BUILD) --show-bin-path); mkdir -p out/fuzz; failed=""; \
	for t in $(FUZZ_TARGETS); do \
	  nm $$bin/$$t | grep -q __sancov_cntrs || { echo "$$t has no coverage counters"; exit 1; }; \
	  mkdir -p $(FUZZ_WORK)/$$t; \
	  echo "== $$t: $(FUZZ_SECONDS) s, new inputs in $(FUZZ_WORK)/$$t"; \
	  SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan-suppressions.txt:print_suppressions=0 \
	  $$bin/$$t $(FUZZ_WORK)/$$t Fuzz/Corpus/$$t -max_total_time=$(FUZZ_SECONDS) $(FUZZ_OPTIONS) \
	    -artifact_prefix=out/fuzz/$$t- 2>&1 | tee out/fuzz/$$t.log | grep -E '^(#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written|stat::)' ; \
	  [ $${PIPESTATUS[0]} -eq 0 ] || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in$$failed (inputs and logs in out/fuzz/)"; exit 1; fi

clean:
	rm -rf .build out Fuzz/.build

# Formatting with the toolchain's swift-format (.swift-format: 2-space indent, 100 columns).
# `make lint` runs in CI (.ci/run) and must report nothing.
FORMAT_FILES = Package.swift Fuzz/Package.swift $(shell find Sources Tests Fuzz/Sources -name '*.swift' | sort)

format:
	@echo "swift format --in-place: $(words $(FORMAT_FILES)) files"
	@$(SWIFT) format --in-place --parallel $(FORMAT_FILES)

lint:
	@echo "swift format lint --strict: $(words $(FORMAT_FILES)) files"
	@$(SWIFT) format lint --strict --parallel $(FORMAT_FILES)
