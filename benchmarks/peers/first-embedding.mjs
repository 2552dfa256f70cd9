// In-process peer for lambert.benchmarks.InProcessPeers: transformers.js on the same int8 file.
// Usage: node first-embedding.mjs MODELS_ROOT MODEL_NAME TEXTS_FILE
// Prints FIRST as soon as the first embedding exists (the parent times the process up to that line), then one
// JSON line: warm single-text p50/p99 (50 warm-up calls, 300 timed), throughput over the texts in batches of 32,
// peak resident memory.
import { readFileSync } from 'node:fs';
const [root, name, textsFile] = process.argv.slice(2);
const { pipeline, env } = await import('@huggingface/transformers');
env.allowRemoteModels = false;
env.localModelPath = root.endsWith('/') ? root : root + '/';
const extractor = await pipeline('feature-extraction', name, { dtype: 'q8', device: 'cpu' });
const embed = async (t) => (await extractor(t, { pooling: 'mean', normalize: true })).tolist();
const first = await embed('Hey, how are you?');
process.stdout.write(`FIRST ${first[0].length}\n`);
for (let i = 0; i < 50; i++) await embed('Hey, how are you?');
const lat = [];
for (let i = 0; i < 300; i++) { const s = performance.now(); await embed('Hey, how are you?'); lat.push(performance.now() - s); }
lat.sort((a, b) => a - b);
const texts = readFileSync(textsFile, 'utf8').split('\n').filter((l) => l.trim());
await embed(texts.slice(0, 32));
const s = performance.now();
for (let i = 0; i < texts.length; i += 32) await embed(texts.slice(i, i + 32));
const throughput = texts.length / ((performance.now() - s) / 1000);
console.log(JSON.stringify({ warm_p50_ms: lat[150], warm_p99_ms: lat[297], throughput,
  peak_rss_mb: process.resourceUsage().maxRSS / 1024 }));
