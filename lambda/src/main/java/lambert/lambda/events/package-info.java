/**
 * Lambda event shapes: direct invocations, API Gateway REST (1.0) and HTTP (2.0) APIs, function
 * URLs and Application Load Balancer targets, in and out.
 */
package lambert.lambda.events;
