// The transformers.js peer as a Lambda function: all-MiniLM-L6-v2 q8 sentence embeddings, answering
// lambert's {"text": "..."} event with {"embedding": [...], "dimensions": 384}. Loaded at INIT (top-level
// await), as a Node.js function would load its model; no network (allowRemoteModels = false).
import { pipeline, env } from '@huggingface/transformers';

env.allowRemoteModels = false;
env.localModelPath = new URL('./models/', import.meta.url).pathname;
const extractor = await pipeline('feature-extraction', 'minilm', { dtype: 'q8', device: 'cpu' });

export const handler = async (event) => {
  if (typeof event?.text !== 'string') {
    throw new Error('expected an event {"text": "..."}, found ' + JSON.stringify(event).slice(0, 200));
  }
  const embedding = (await extractor(event.text, { pooling: 'mean', normalize: true })).tolist()[0];
  return { task: 'embed', model: 'all-MiniLM-L6-v2 q8 (transformers.js)', dimensions: embedding.length, embedding };
};
