#!/usr/bin/env bash
# Prints a regular expression matching every test tagged `.slow` (Tests/RegionKitTestSupport/
# Tags.swift), for `swift test --skip`: this toolchain's `swift test` filters by name, not by
# tag. A suite tagged `@Suite(.tags(.slow)) struct Name` gives `\.Name/`; a test tagged
# `@Test(.tags(.slow)...)` gives `/name(`, its function (the next `func` line).
set -euo pipefail
cd "$(dirname "$0")/.."
grep -rhA3 --include='*.swift' -E '@(Suite|Test)\(\.tags\([^)]*\.slow' Tests \
  | awk '
      /@Suite\(\.tags\([^)]*\.slow/ && match($0, /struct [A-Za-z0-9_]+/) {
        print "\\." substr($0, RSTART + 7, RLENGTH - 7) "/"; next
      }
      /@Test\(\.tags\([^)]*\.slow/ { pending = 1 }
      pending && match($0, /func [A-Za-z0-9_]+/) { print "/" substr($0, RSTART + 5, RLENGTH - 5) "\\("; pending = 0 }
    ' \
  | sort -u | paste -sd'|'
