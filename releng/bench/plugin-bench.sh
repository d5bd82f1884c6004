#!/usr/bin/env bash
# Benchmark: time from `install` of a signed plugin to its device series being usable in a running
# station (PluginInstaller: signature check, copy, install, start, plugin bound by the session
# engine), median of 30 installs and removals of the AT + YMODEM plugin's jar, against the baseline
# of the framework alone installing and starting the same jar (no checks) until its plugin is
# bound, both in the same OSGi runtime and run. Prints both and the ratio.
#   releng/bench/plugin-bench.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. releng/scripts/jdk.sh
./mvnw -B -q verify -pl bundles/dev.flashgate.upgrade.tests -am -Dtest=PluginInstallBench -DfailIfNoTests=false \
    -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep "plugin install to usable"
