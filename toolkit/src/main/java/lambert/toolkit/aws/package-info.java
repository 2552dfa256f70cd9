/**
 * lambert and AWS: the SDK clients (URL-connection HTTP client, the SDK's own credential and region
 * chains, an endpoint override for LocalStack and tests), {@code lambert deploy}'s plan and its
 * execution, the execution role, code upload (inline or S3 multipart), invocations with their log
 * tail and {@code REPORT} figures, AWS errors as one actionable line, and the remote {@code tune}
 * target.
 */
package lambert.toolkit.aws;
