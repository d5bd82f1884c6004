# Shell tests report like surefire does, so the test summary counts them: source this file, call
# `case_start NAME`, then `case_pass`, `case_fail MESSAGE` or `case_skip WHY`, and `suite_end` at the end.
# Reports go to releng/tests/target/surefire-reports/TEST-<suite>.xml.
junit_suite=${junit_suite:-shell}
junit_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/target/surefire-reports"
junit_cases=""
junit_failures=0
junit_skipped=0
junit_tests=0
junit_name=""
junit_started=0

case_start() {
    junit_name=$1
    junit_started=$(date +%s.%N)
    echo "[$junit_suite] $junit_name"
}

_case_time() {
    python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$junit_started" "$(date +%s.%N)"
}

_xml_escape() {
    python3 -c 'import sys, html; print(html.escape(sys.stdin.read()), end="")'
}

case_pass() {
    junit_tests=$((junit_tests + 1))
    junit_cases+="  <testcase classname=\"$junit_suite\" name=\"$junit_name\" time=\"$(_case_time)\"/>"$'\n'
    echo "[$junit_suite] $junit_name: passed"
}

case_fail() {
    junit_tests=$((junit_tests + 1))
    junit_failures=$((junit_failures + 1))
    local message
    message=$(printf '%s' "$1" | _xml_escape)
    junit_cases+="  <testcase classname=\"$junit_suite\" name=\"$junit_name\" time=\"$(_case_time)\"><failure message=\"$message\"/></testcase>"$'\n'
    echo "[$junit_suite] $junit_name: FAILED: $1" >&2
}

case_skip() {
    junit_tests=$((junit_tests + 1))
    junit_skipped=$((junit_skipped + 1))
    local message
    message=$(printf '%s' "$1" | _xml_escape)
    junit_cases+="  <testcase classname=\"$junit_suite\" name=\"$junit_name\" time=\"$(_case_time)\"><skipped message=\"$message\"/></testcase>"$'\n'
    echo "[$junit_suite] $junit_name: skipped: $1"
}

suite_end() {
    mkdir -p "$junit_dir"
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="%s" tests="%d" failures="%d" errors="0" skipped="%d">\n%s</testsuite>\n' \
        "$junit_suite" "$junit_tests" "$junit_failures" "$junit_skipped" "$junit_cases" > "$junit_dir/TEST-$junit_suite.xml"
    [ "$junit_failures" -eq 0 ]
}
