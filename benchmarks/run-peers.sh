#!/usr/bin/env bash
# lambert vs LangChain4j (all-MiniLM-L6-v2 fp32 and int8): builds the benchmarks module and runs
# PeerComparison. Usage: benchmarks/run-peers.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -pl benchmarks -am package
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.PeerComparison "$@"
