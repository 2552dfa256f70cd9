/**
 * The JSON request/response contract shared by {@code predict}, {@code serve}, the emulator and the
 * Lambda handler: requests as {@code text}, {@code texts} or {@code inputs} + {@code parameters};
 * responses by task; errors as {@code {"errorType", "errorMessage", "field"}} with an HTTP status.
 */
package lambert.runtime.contract;
