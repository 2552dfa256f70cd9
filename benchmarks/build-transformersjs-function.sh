#!/usr/bin/env bash
# Builds the transformers.js peer as a real Lambda function: all-MiniLM-L6-v2 q8 (the same int8 file as
# lambert's minilm-int8) behind AWS's own Node.js runtime interface client (npm aws-lambda-ric, built here
# against the installed Node's headers), packaged as a custom-runtime zip with a bootstrap, then answers one
# event in lambert's emulator. Every step that fails stops the script with its exact error; nothing is replaced.
#
# Needs: node and npm (npm 11 approves install scripts per package), zip, and the build tools the client's
# native part compiles with (autoconf, automake, libtool, cmake, make, g++): missing ones are installed with
# apt-get when running as root, else the script says which to install.
#
# Usage: benchmarks/build-transformersjs-function.sh [OUT_DIR]   (default benchmarks/target/peer-function)
# Output: OUT_DIR/function.zip and OUT_DIR/function.json (runtime provided.al2023, handler index.handler).
# The bootstrap runs this machine's node (/usr/bin/node or wherever it is): the zip is for the emulator; on AWS
# it would also need a Node.js binary in the zip or a layer.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
peers="$(cd ../shared/peers && pwd)"
out="${1:-benchmarks/target/peer-function}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$out/build"
log="$out/build.log"
: > "$log"

# step NAME COMMAND...: runs COMMAND, its output to the log; on failure prints the step, the command, the
# log's last lines and stops.
step() {
  local name=$1; shift
  echo "== $name" | tee -a "$log" >&2
  if ! "$@" >>"$log" 2>&1; then
    echo "FAILED: $name" >&2
    echo "command: $*" >&2
    echo "last lines of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

for tool in node npm zip; do
  command -v "$tool" >/dev/null || { echo "FAILED: $tool is not installed (needed to build and package the peer)" >&2; exit 1; }
done
node_bin=$(readlink -f "$(command -v node)")
node_major=$(node -p 'process.versions.node.split(".")[0]')
node_prefix=$(dirname "$(dirname "$node_bin")")
[ -f "$node_prefix/include/node/node_api.h" ] || { echo "FAILED: the Node headers are not at $node_prefix/include/node (node-gyp would download them; this machine has no network for that)" >&2; exit 1; }
# aws-lambda-ric 4.x requires Node >= 22 (its engines field); 3.3.0 is the newest without that requirement
if [ "$node_major" -ge 22 ]; then ric=aws-lambda-ric@4.0.2; else ric=aws-lambda-ric@3.3.0; fi
echo "node $(node --version) at $node_bin, npm $(npm --version), $ric" | tee -a "$log" >&2

missing=()
for pkg in autoconf automake libtool cmake make g++; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "FAILED: the client's native build needs ${missing[*]}; as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  step "apt-get update" apt-get update
  step "apt-get install ${missing[*]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

addon_glob="$work/node_modules/aws-lambda-ric/dist/rapid-client.node"
if [ -f "$addon_glob" ] && [ "${REBUILD:-0}" != 1 ]; then
  echo "== reusing the installed packages in $work (REBUILD=1 to start again)" >&2
  cp benchmarks/peer-function/index.mjs "$work/"
else
rm -rf "$work"
mkdir -p "$work/models"
cp "$peers/transformersjs/package.json" "$work/"
cp benchmarks/peer-function/index.mjs "$work/"
# transformers.js first, with no install scripts (onnxruntime-node's only fetches GPU files from a host this
# machine cannot reach; its CPU binaries ship in the package)
step "npm install transformers.js" bash -c "cd '$work' && npm install --ignore-scripts --no-audit --no-fund"
# the client needs its install scripts (they build aws-lambda-cpp and curl, then the addon with node-gyp)
step "npm install $ric (scripts held back)" bash -c "cd '$work' && npm install --no-audit --no-fund '$ric'"
step "npm install-scripts approve aws-lambda-ric" bash -c "cd '$work' && npm install-scripts approve aws-lambda-ric"
step "build aws-lambda-ric's native part (npm rebuild, --nodedir=$node_prefix)" bash -c \
  "cd '$work' && npm_config_nodedir='$node_prefix' npm rebuild aws-lambda-ric --foreground-scripts"
addon=$(find "$work/node_modules/aws-lambda-ric" -name '*.node' -path '*build*' | head -n 1)
[ -n "$addon" ] || { echo "FAILED: npm rebuild aws-lambda-ric built no .node addon; see $log" >&2; tail -n 40 "$log" >&2; exit 1; }
echo "addon $addon" >>"$log"
fi

# the model: the Maven Central int8 file, as lambert's minilm-int8 (only what q8 loads goes into the zip)
models="$out/minilm-full"
[ -f "$models/onnx/model_quantized.onnx" ] || step "model folder" bash "$peers/make-minilm-dir.sh" "$models"
mkdir -p "$work/models/minilm/onnx"
cp "$models/onnx/model_quantized.onnx" "$work/models/minilm/onnx/"
cp "$models/tokenizer.json" "$models/config.json" "$models/tokenizer_config.json" "$work/models/minilm/"

# onnxruntime-node ships binaries for every platform: keep linux/x64 only (Lambda's 250 MB unzipped limit)
for napi in "$work"/node_modules/onnxruntime-node/bin/napi-v*; do
  [ -d "$napi" ] || continue
  find "$napi" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} +
  find "$napi/linux" -mindepth 1 -maxdepth 1 ! -name x64 -exec rm -rf {} +
done

# build inputs and what Node never loads here: the client's vendored sources (its addon is built into dist/),
# onnxruntime-web's WebAssembly binaries and source maps (transformers.js imports the package's JavaScript, and runs
# on onnxruntime-node under Node)
rm -rf "$work/node_modules/aws-lambda-ric/deps" "$work/node_modules/aws-lambda-ric/build"
find "$work/node_modules/onnxruntime-web/dist" \( -name '*.wasm' -o -name '*.map' \) -delete

ric_main=$(cd "$work" && node -p "const p=require('./node_modules/aws-lambda-ric/package.json'); typeof p.bin==='string'?p.bin:p.bin['aws-lambda-ric']")
cat > "$work/bootstrap" <<B
#!/bin/sh
# provided.al2023 runs this from LAMBDA_TASK_ROOT: AWS's Node.js runtime interface client, handler from _HANDLER
cd "\$LAMBDA_TASK_ROOT" || exit 1
exec $node_bin "\$LAMBDA_TASK_ROOT/node_modules/aws-lambda-ric/${ric_main#./}" "\$_HANDLER"
B
chmod 755 "$work/bootstrap"

rm -f "$out/function.zip.tmp" "$out/function.zip"
step "zip" bash -c "cd '$work' && zip -q -r -X '$out/function.zip.tmp' bootstrap index.mjs package.json models node_modules"
mv "$out/function.zip.tmp" "$out/function.zip"
cat > "$out/function.json" <<J
{"runtime": "provided.al2023", "handler": "index.handler", "architecture": "x86_64", "memory_mb": 1769, "timeout_s": 30, "environment": {}}
J
ls -l "$out/function.zip" | tee -a "$log" >&2
echo "unzipped: $(du -sb "$work" | cut -f1) bytes (before zip)" | tee -a "$log" >&2

echo "== emulate (one event)" >&2
"$root/lambert" emulate --package "$out/function.zip" --text "Hey, how are you?"
