/** Micro-batching: many texts of one request grouped by length under a token budget. */
package lambert.runtime.batch;
