#!/usr/bin/env bash
# Sourced by the peer benchmark scripts (from the repository root): installs the transformers.js peer from
# ../shared/peers into benchmarks/target/peer (npm, no install scripts) and builds its model folder from the Maven
# artifacts. Sets $work to benchmarks/target/peer and $peers to ../shared/peers.
peers="$(cd ../shared/peers && pwd)"
work="benchmarks/target/peer"
if [ ! -d "$work/transformersjs/node_modules/@huggingface/transformers" ]; then
  mkdir -p "$work"
  rm -rf "$work/transformersjs"
  cp -r "$peers/transformersjs" "$work/"
  (cd "$work/transformersjs" && npm install --ignore-scripts --no-audit --no-fund >/dev/null)
fi
[ -f "$work/models/minilm/onnx/model_quantized.onnx" ] || bash "$peers/make-minilm-dir.sh" "$work/models/minilm" >/dev/null
