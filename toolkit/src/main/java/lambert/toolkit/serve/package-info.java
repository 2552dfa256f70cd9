/**
 * {@code lambert serve}'s HTTP/1.1 layer: a small, strict server over blocking sockets that answers every
 * request, well-formed or not, with the contract's JSON. It reads a request head within a deadline and a byte
 * limit, a body (Content-Length or chunked) within its own deadline and the request byte limit, counted while
 * reading, refuses ambiguous framing (two lengths, a length and a transfer coding, codings other than chunked),
 * bounds the connections it holds and the answers it computes at once, and closes a connection after any
 * protocol error, once the JSON error is written.
 */
package lambert.toolkit.serve;
