#!/usr/bin/env bash
# The managed-runtime (java21) function's first call, one lever at a time, in the emulator: the same package run with
# the lever off (A) and on (B), alternating, at 1769 and 512 MB; prints each run and the medians of Init Duration,
# first Duration, their sum and warm p50. The lever is a function environment variable (default: LAMBERT_WARM_UP,
# off = false, on = true). Needs a quiet machine for figures that mean anything.
# Usage: benchmarks/run-first-call-levers.sh [RUNS] [INVOCATIONS] [VARIABLE] [OFF] [ON] [MODEL]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"; invocations="${2:-50}"; variable="${3:-LAMBERT_WARM_UP}"; off="${4:-false}"; on="${5:-true}"
model="${6:-minilm-int8}"
work=benchmarks/target/first-call-levers
rm -rf "$work" && mkdir -p "$work/A" "$work/B"
./lambert package --model "$model" --out "$work/function.zip" >/dev/null
for side in A B; do
  value="$off"; [ "$side" = B ] && value="$on"
  cp "$work/function.zip" "$work/$side/function.zip"
  python3 - "$work/function.json" "$work/$side/function.json" "$variable" "$value" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["environment"][sys.argv[3]] = sys.argv[4]
json.dump(config, open(sys.argv[2], "w"), indent=2)
PY
done
echo "lever $variable: A=$off B=$on; $runs alternating runs of $invocations invocations; $(uptime)"
for memory in 1769 512; do
  for i in $(seq 1 "$runs"); do
    for side in A B; do
      ./lambert emulate --package "$work/$side/function.zip" --memory "$memory" --text "Hey, how are you?" \
          --invocations "$invocations" --json > "$work/$side-$memory-$i.json"
    done
  done
  python3 - "$work" "$memory" "$runs" <<'PY'
import json, statistics, sys
work, memory, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
for side in "AB":
    rows = [json.load(open(f"{work}/{side}-{memory}-{i}.json")) for i in range(1, runs + 1)]
    med = lambda f: statistics.median(f(r) for r in rows)
    print(f"{memory} MB {side}: Init {med(lambda r: r['init_duration_ms']):.0f} ms, first Duration "
          f"{med(lambda r: r['first_duration_ms']):.1f} ms, sum {med(lambda r: r['init_duration_ms'] + r['first_duration_ms']):.0f} ms, "
          f"warm p50 {med(lambda r: r['duration_p50_ms']):.2f} ms (first: "
          + ", ".join(f"{r['first_duration_ms']:.0f}" for r in rows) + ")")
PY
done
