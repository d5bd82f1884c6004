# Sourced by Flashgate's scripts: exports JAVA_HOME pointing at a JDK >= 21.
# Takes JAVA_HOME when it is new enough, else the newest suitable JDK under /usr/lib/jvm.

flashgate_java_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

flashgate_find_jdk() {
    local candidate major best="" best_major=0
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        major=$(flashgate_java_major "$JAVA_HOME")
        if [ "${major:-0}" -ge 21 ]; then
            echo "$JAVA_HOME"
            return 0
        fi
    fi
    for candidate in /usr/lib/jvm/*; do
        [ -x "$candidate/bin/javac" ] || continue
        major=$(flashgate_java_major "$candidate")
        if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
            best=$candidate
            best_major=$major
        fi
    done
    [ -n "$best" ] && echo "$best"
}

if ! FLASHGATE_JDK=$(flashgate_find_jdk) || [ -z "$FLASHGATE_JDK" ]; then
    echo "flashgate: no JDK 21 or newer found; set JAVA_HOME to one." >&2
    return 1 2>/dev/null || exit 1
fi
export JAVA_HOME="$FLASHGATE_JDK"
