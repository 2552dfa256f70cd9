#!/usr/bin/env bash
# lambert's function against the transformers.js peer packaged as a Lambda function (custom runtime, AWS's Node.js
# runtime interface client), both in the emulator, alternating, at 1769 and 512 MB. Builds the peer function first
# (benchmarks/build-transformersjs-function.sh), then runs FunctionVsFunction. Needs a quiet machine.
# Usage: benchmarks/run-function-vs-function.sh [RUNS] [WARM]
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/target/peer-function
benchmarks/build-transformersjs-function.sh "$out" >/dev/null
./mvnw -q -B -DskipTests -pl benchmarks -am package
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  lambert.benchmarks.FunctionVsFunction "$out/function.zip" "${1:-5}" "${2:-300}"
