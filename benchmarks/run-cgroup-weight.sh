#!/usr/bin/env bash
# What the emulator's cpu.shares buys on a busy machine: a busy loop in a cgroup v1 group with a 1 vCPU quota
# (as an emulated function's INIT at up to 1769 MB), with the default weight (1024) and with the emulator's
# (102400), alternately, ROUNDS times each, 5 s a time; prints the CPU it got. Run it alongside a load, e.g.
# .ci/cpu-hog --hogs 8 benchmarks/run-cgroup-weight.sh. Needs root and /sys/fs/cgroup/cpu (cgroup v1).
# Usage: benchmarks/run-cgroup-weight.sh [ROUNDS]
set -euo pipefail
rounds="${1:-2}"
root=/sys/fs/cgroup/cpu
[ -w "$root/cgroup.procs" ] || { echo "run-cgroup-weight: needs a writable cgroup v1 cpu controller at $root (root)" >&2; exit 3; }
hz=$(getconf CLK_TCK)
for ((r = 0; r < rounds; r++)); do
  for shares in 1024 102400; do
    group="$root/lambert-weight-$$-$shares"
    mkdir "$group"
    echo 100000 > "$group/cpu.cfs_period_us"
    echo 100000 > "$group/cpu.cfs_quota_us"
    echo "$shares" > "$group/cpu.shares"
    sh -c "echo \$\$ > '$group/cgroup.procs' && exec sh -c 'while :; do :; done'" &
    pid=$!
    sleep 0.2
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    sleep 5
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rmdir "$group"
    awk -v s="$shares" -v t=$((after - before)) -v hz="$hz" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN { printf "cpu.shares %6d: %.2f vCPU of the 1.00 quota (load average %s)\n", s, t / hz / 5, load }'
  done
done
