package lambert.onnx.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positioned reads from a file or from bytes in memory: the seam that keeps readers fuzzable. */
interface ByteSource {
    /** The number of bytes. */
    long size() throws IOException;

    /** Fills {@code dst} from {@code position}; {@link EOFException} when the source ends first. */
    void readFully(long position, ByteBuffer dst) throws IOException;

    static ByteSource of(FileChannel channel) {
        return new ByteSource() {
            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public void readFully(long position, ByteBuffer dst) throws IOException {
                long at = position;
                while (dst.hasRemaining()) {
                    int n = channel.read(dst, at);
                    if (n < 0) {
                        throw new EOFException("end of file at byte " + at);
                    }
                    at += n;
                }
            }
        };
    }

    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void readFully(long position, ByteBuffer dst) throws IOException {
                if (position < 0 || position + dst.remaining() > bytes.length) {
                    throw new EOFException("end of data at byte " + bytes.length);
                }
                dst.put(bytes, (int) position, dst.remaining());
            }
        };
    }
}
