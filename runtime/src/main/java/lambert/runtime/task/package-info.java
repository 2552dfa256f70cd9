/**
 * The tasks and their answers: sentence embeddings (mean or CLS pooling with the attention mask,
 * optional L2 normalisation), text classification (softmax, or sigmoid for multi-label models,
 * top-k) and token classification (entities with character offsets).
 */
package lambert.runtime.task;
