/**
 * lambert's own client of Lambda's Runtime API, for the OS-only runtime ({@code provided.al2023}): a {@code bootstrap}
 * starts {@link lambert.lambda.runtime.RuntimeLoop}, which asks for each event ({@code invocation/next}), runs the
 * handler named by {@code _HANDLER} with a {@link com.amazonaws.services.lambda.runtime.Context} built from the
 * event's headers, and posts the answer or the error; a handler that cannot be made is reported as an init error.
 * Plain {@link java.net.HttpURLConnection} and {@code java.base} only: no JNI library, no AWS client jars.
 */
package lambert.lambda.runtime;
