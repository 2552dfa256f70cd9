/**
 * What a Lambda function costs: the one dated price table lambert uses ({@code lambert/prices.json},
 * or a file given with {@code --prices}) and the estimate {@code lambert cost}, {@code emulate},
 * {@code quickstart} and {@code tune} print from it (requests, billed duration rounded up to the
 * millisecond, billed INIT duration on cold starts, provisioned concurrency).
 */
package lambert.toolkit.cost;
