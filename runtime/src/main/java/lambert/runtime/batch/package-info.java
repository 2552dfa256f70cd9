/**
 * Micro-batching: many texts of one request grouped by length under a token budget ({@code MicroBatches}), and
 * run on the calling thread and a small helper pool, each stopped before a deadline ({@code BatchScheduler}).
 */
package lambert.runtime.batch;
