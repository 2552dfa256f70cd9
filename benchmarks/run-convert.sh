#!/usr/bin/env bash
# lambert convert benchmarks: a random BERT-base checkpoint converted in a fresh JVM capped at 2 GB of
# heap (with and without the equality check), then the converted all-MiniLM-L6-v2 against its export
# after optimize + quantize. Usage: benchmarks/run-convert.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-$(mktemp -d)}"
./mvnw -q -B -DskipTests -pl benchmarks -am package
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
[ -f "$WORK/bert-base/model.safetensors" ] || java -cp "$CP" lambert.benchmarks.ConvertBertBase prepare "$WORK/bert-base"
java -Xmx2g -cp "$CP" lambert.benchmarks.ConvertBertBase convert "$WORK/bert-base" "$WORK/bert-base-bundle"
java -Xmx2g -cp "$CP" lambert.benchmarks.ConvertBertBase convert "$WORK/bert-base" "$WORK/bert-base-bundle" --skip-check
java -cp "$CP" lambert.benchmarks.ConvertedMiniLm
