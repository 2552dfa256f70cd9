/**
 * The AWS Lambda function around {@link lambert.runtime.contract.Service}: the handler, event shapes
 * and SnapStart priming. (Built in the Lambda function issue; the runtime it wraps is complete.)
 */
package lambert.lambda;
