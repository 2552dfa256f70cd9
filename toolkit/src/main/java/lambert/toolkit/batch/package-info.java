/**
 * {@code lambert batch}: a corpus embedded or classified over many invocations of the function. {@link InputReader}
 * reads text lines, JSONL or CSV as a stream (strict UTF-8, errors with the line and byte), {@link RequestPacker}
 * packs the texts into requests under the function's limits (texts, bytes, tokens) and a token budget, and
 * {@link BatchRun} sends them to a {@link BatchTarget} with bounded concurrency and retries, writing the answers in
 * input order (JSONL, and optionally a float32 {@code .npy} matrix), the lines it gave up on to a rejects file with
 * the reason, and its progress so that a run can resume.
 */
package lambert.toolkit.batch;
