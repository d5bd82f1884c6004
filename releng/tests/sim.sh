# What the shell tests share about `flashgate simulate` runs in the background: source this file.

# The IMEI of the first device a `flashgate simulate` run reported in LOG, once it has (waits up to
# 20 s); prints nothing when none came.
sim_imei() { # LOG
    for _ in $(seq 100); do
        grep -q "IMEI" "$1" && break
        sleep 0.2
    done
    grep -o 'IMEI [0-9]*' "$1" | head -1 | cut -d' ' -f2
}
