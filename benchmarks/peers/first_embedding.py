# In-process peer for lambert.benchmarks.InProcessPeers: Python + onnxruntime + tokenizers (the stack lambert
# replaces) on the same int8 file. Usage: python first_embedding.py MODEL_DIR TEXTS_FILE
# Prints FIRST as soon as the first embedding exists (the parent times the process up to that line), then one
# JSON line like first-embedding.mjs.
import json, resource, sys, time
import numpy as np, onnxruntime as ort
from tokenizers import Tokenizer
d, texts_file = sys.argv[1], sys.argv[2]
tok = Tokenizer.from_file(d + '/tokenizer.json'); tok.no_padding(); tok.enable_truncation(256)
s = ort.InferenceSession(d + '/onnx/model_quantized.onnx', ort.SessionOptions(), providers=['CPUExecutionProvider'])
def embed(texts):
    encs = tok.encode_batch(texts); n = max(len(e.ids) for e in encs)
    ids = np.zeros((len(texts), n), np.int64); m = np.zeros_like(ids)
    for i, e in enumerate(encs): ids[i, :len(e.ids)] = e.ids; m[i, :len(e.ids)] = 1
    out = s.run(None, {'input_ids': ids, 'attention_mask': m, 'token_type_ids': np.zeros_like(ids)})[0]
    v = (out * m[:, :, None]).sum(1) / m.sum(1, keepdims=True); return v / np.linalg.norm(v, axis=1, keepdims=True)
first = embed(['Hey, how are you?'])
print('FIRST %d' % first.shape[1], flush=True)
for _ in range(50): embed(['Hey, how are you?'])
lat = []
for _ in range(300):
    t0 = time.perf_counter(); embed(['Hey, how are you?']); lat.append((time.perf_counter() - t0) * 1000)
lat.sort()
texts = [l.strip() for l in open(texts_file, encoding='utf-8') if l.strip()]
embed(texts[:32]); t0 = time.perf_counter()
for i in range(0, len(texts), 32): embed(texts[i:i + 32])
tp = len(texts) / (time.perf_counter() - t0)
print(json.dumps({'warm_p50_ms': lat[150], 'warm_p99_ms': lat[297], 'throughput': tp,
                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
