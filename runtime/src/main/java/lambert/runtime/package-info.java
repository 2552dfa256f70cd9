/**
 * The lambert runtime: what the Lambda function runs. {@link lambert.runtime.Model} loads and checks
 * a bundle and answers texts; {@link lambert.runtime.contract.Service} speaks the JSON
 * request/response contract that {@code predict}, {@code serve}, the emulator and the Lambda
 * handler share.
 */
package lambert.runtime;
