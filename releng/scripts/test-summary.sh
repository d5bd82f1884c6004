#!/usr/bin/env bash
# Sums the surefire XML reports of every module into one line: "N passed, N failed[, N skipped]".
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
find "$root" -path '*/target/surefire-reports/TEST-*.xml' -print0 2>/dev/null | xargs -0 -r python3 -c '
import sys, xml.etree.ElementTree as ET
tests = failed = skipped = 0
for path in sys.argv[1:]:
    suite = ET.parse(path).getroot()
    suites = [suite] if suite.tag == "testsuite" else suite.iter("testsuite")
    for s in suites:
        tests += int(s.get("tests", 0))
        failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
        skipped += int(s.get("skipped", 0))
print(f"{tests - failed - skipped} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
' | grep . || echo "0 passed, 0 failed"
