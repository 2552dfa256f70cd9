/**
 * Lambda event shapes, in and out: direct invocations, API Gateway REST (1.0) and HTTP (2.0) APIs, function URLs,
 * Application Load Balancer targets and VPC Lattice (V1 and V2), with what each caller allows: the largest response
 * ({@link lambert.lambda.events.ResponseSize}) and, for API Gateway, how long it waits
 * ({@link lambert.lambda.events.GatewayDeadline}).
 */
package lambert.lambda.events;
