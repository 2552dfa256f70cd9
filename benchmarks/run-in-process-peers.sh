#!/usr/bin/env bash
# In-process, under one vCPU: lambert's runtime against transformers.js and Python + onnxruntime + tokenizers on the
# same int8 all-MiniLM-L6-v2 file (lambert.benchmarks.InProcessPeers). Installs the peers first: transformers.js
# with npm (no install scripts), a venv with onnxruntime, tokenizers and numpy from the machine's pip mirror.
# Texts: the first 256 sentences of toolkit/src/test/resources/prose (real Javadoc prose). Needs a quiet machine.
# Usage: benchmarks/run-in-process-peers.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/node-peer.sh
cp benchmarks/peers/first-embedding.mjs "$work/transformersjs/"
venv="$work/venv"
if ! "$venv/bin/python" -c "import onnxruntime, tokenizers, numpy" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --retries 0 onnxruntime tokenizers numpy
fi
texts="$work/prose-256.txt"
awk 'NF && n++ < 256' toolkit/src/test/resources/prose/commons-javadoc-sentences.txt > "$texts"
./mvnw -q -B -DskipTests -pl benchmarks -am package
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.InProcessPeers \
  "$(cd "$work/transformersjs" && pwd)" "$(cd "$work/models" && pwd)" "$(cd "$venv" && pwd)/bin/python" "$texts" "${1:-3}"
