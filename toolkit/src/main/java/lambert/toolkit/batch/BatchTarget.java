package lambert.toolkit.batch;

import java.io.IOException;

/**
 * Where requests go: a function URL or {@code lambert serve} ({@link HttpTarget}), local emulated environments
 * ({@link EmulatorTarget}), a deployed function through the AWS SDK ({@link LambdaTarget}). Called from several
 * threads at once.
 */
public interface BatchTarget extends AutoCloseable {
    /** The function's model information (its GET answer): task and limits. */
    FunctionInfo info() throws IOException;

    /**
     * Sends one request body and classifies the answer; an {@link IOException} (a connection refused or cut, a
     * timeout) counts as {@link Answer.Kind#RETRY}.
     */
    Answer send(byte[] body) throws IOException;

    /** How many requests it takes at once by default. */
    int defaultConcurrency();

    /** The target in a person's words ("http://127.0.0.1:8080/", "function my-fn:live"). */
    String describe();

    @Override
    void close();
}
