/**
 * The AWS Lambda function around {@link lambert.runtime.contract.Service}: {@link lambert.lambda.Handler}
 * loads the model at init, answers direct and HTTP-style events, logs one JSON line per invocation
 * and primes the model for SnapStart.
 */
package lambert.lambda;
