#!/usr/bin/env bash
# Benchmark: `flashgate verify` end to end (JVM start included) against `openssl dgst -sha256` and
# `sha256sum` over the same artifact bytes, measured in one run on this machine; then verify again
# with a 64 MiB heap. Prints each time and the ratios (lower is better for Flashgate).
#   releng/bench/verify-bench.sh [SIZE_MIB_PER_ARTIFACT (default 512)] [RUNS (default 3)]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
per_mib=${1:-512}
runs=${2:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/flashgate-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export FLASHGATE_HOME="$work/home"
fg() { "$root/flashgate" "$@"; }

echo "preparing 4 artifacts of $per_mib MiB in $work ..." >&2
for i in 1 2 3 4; do
    # incompressible bytes, fast: AES-CTR keystream (openssl ends by SIGPIPE once head has enough)
    { openssl enc -aes-128-ctr -pass pass:bench$i -nosalt -pbkdf2 -in /dev/zero 2>/dev/null || true; } \
        | head -c $((per_mib << 20)) > "$work/part$i.img"
done
fg keygen --ca --subject "CN=Bench CA" --key-out "$work/ca.key" --cert-out "$work/ca.pem" >/dev/null
fg keygen --subject "CN=Bench Signer" --issuer-key "$work/ca.key" --issuer-cert "$work/ca.pem" \
    --key-out "$work/signer.key" --cert-out "$work/signer.pem" >/dev/null
fg pack -o "$work/bench.fgp" --vendor Bench --firmware-version B1 --version-code 1 --plugin at-ymodem --model HS920S \
    --artifact images/part1.img="$work/part1.img" --artifact images/part2.img="$work/part2.img" \
    --artifact images/part3.img="$work/part3.img" --artifact images/part4.img="$work/part4.img" \
    --key "$work/signer.key" --cert "$work/signer.pem" >/dev/null
cat "$work"/part*.img "$work/bench.fgp" > /dev/null   # warm the page cache for every contender

best() {   # best wall time in seconds of $runs runs of the command
    local t best=""
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s.%N)
        "$@" > /dev/null
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
    done
    echo "$best"
}

total_mib=$((per_mib * 4))
t_verify=$(best fg verify "$work/bench.fgp" --trust "$work/ca.pem")
t_openssl=$(best openssl dgst -sha256 "$work"/part1.img "$work"/part2.img "$work"/part3.img "$work"/part4.img)
t_sha256sum=$(best sha256sum "$work"/part1.img "$work"/part2.img "$work"/part3.img "$work"/part4.img)
t_small=$(FLASHGATE_JAVA_OPTS=-Xmx64m best fg verify "$work/bench.fgp" --trust "$work/ca.pem")
# the verification itself, without JVM and framework start-up, as the report measures it
t_inside=$(fg verify --json "$work/bench.fgp" --trust "$work/ca.pem" | sed -n 's/.*"elapsedMillis" : \([0-9]*\).*/\1/p')
t_inside=$(echo "$t_inside / 1000" | bc -l)
t_startup=$(best fg --version)

printf 'package: 4 artifacts, %d MiB in all, %d cores; best of %d runs\n' "$total_mib" "$(nproc)" "$runs"
printf '  %-40s %7.2f s  %6.0f MiB/s\n' "flashgate verify (end to end)" "$t_verify" "$(echo "$total_mib / $t_verify" | bc -l)"
printf '  %-40s %7.2f s  %6.0f MiB/s\n' "flashgate verify, -Xmx64m" "$t_small" "$(echo "$total_mib / $t_small" | bc -l)"
printf '  %-40s %7.2f s  %6.0f MiB/s\n' "  of which verification proper" "$t_inside" "$(echo "$total_mib / $t_inside" | bc -l)"
printf '  %-40s %7.2f s\n' "flashgate --version (start-up alone)" "$t_startup"
printf '  %-40s %7.2f s  %6.0f MiB/s\n' "openssl dgst -sha256 (baseline)" "$t_openssl" "$(echo "$total_mib / $t_openssl" | bc -l)"
printf '  %-40s %7.2f s  %6.0f MiB/s\n' "sha256sum" "$t_sha256sum" "$(echo "$total_mib / $t_sha256sum" | bc -l)"
printf 'ratio verify / openssl:          %.2f  (target <= 1.00)\n' "$(echo "$t_verify / $t_openssl" | bc -l)"
printf 'ratio verification proper / openssl: %.2f\n' "$(echo "$t_inside / $t_openssl" | bc -l)"
printf 'ratio verify -Xmx64m / openssl:  %.2f\n' "$(echo "$t_small / $t_openssl" | bc -l)"
printf 'ratio verify / sha256sum:        %.2f\n' "$(echo "$t_verify / $t_sha256sum" | bc -l)"
