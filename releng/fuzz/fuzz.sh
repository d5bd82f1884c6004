#!/usr/bin/env bash
# A longer fuzzing session than the 30 s that ./run-tests does: ROUNDS runs of 30 s each, every round
# continuing from the corpus the previous ones grew in releng/fuzz/.cifuzz-corpus.
# A finding stops the session and is written next to the seeds in
#   releng/fuzz/src/test/resources/dev/flashgate/fuzz/PackageFuzzTestInputs/packageReaders/
# where it stays as a regression input once the bug is fixed.
# TARGET picks what is fuzzed: package (the package readers), device (what a device in emergency
# download sends: Sahara packets, Firehose documents, layouts) or repository (the metadata a
# repository sends a station).
#   releng/fuzz/fuzz.sh [ROUNDS (default 20, i.e. 10 minutes)] [TARGET (default package)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. releng/scripts/jdk.sh
rounds=${1:-20}
case ${2:-package} in
    package) execution=default-test ;;
    device) execution=device-input ;;
    repository) execution=repository-metadata ;;
    *) echo "fuzz.sh: TARGET is package, device or repository" >&2; exit 2 ;;
esac
./mvnw -B -q install -pl releng/fuzz -am -DskipTests -Dtycho.surefire.skip=true
for round in $(seq "$rounds"); do
    echo "fuzz round $round of $rounds" >&2
    JAZZER_FUZZ=1 ./mvnw -B -q -o "surefire:test@$execution" -pl releng/fuzz
done
