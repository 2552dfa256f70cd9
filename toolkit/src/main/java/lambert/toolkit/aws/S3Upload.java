package lambert.toolkit.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lambert.toolkit.Megabytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The zip to S3 for Lambda to fetch: skipped when the object is there already (its key holds the
 * zip's SHA-256, so same key and size means same bytes), one PutObject up to the part size, a
 * multipart upload above it (aborted if a part fails, so no half upload is left to pay for).
 */
final class S3Upload {
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final Path zip;
    private final long size;
    private final long partSize;

    S3Upload(S3Client s3, String bucket, String key, Path zip, long size, long partSize) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.zip = zip;
        this.size = size;
        this.partSize = partSize;
    }

    void run(DeployCalls d) {
        String where = "s3://" + bucket + "/" + key;
        Optional<HeadObjectResponse> head = d.readOptional("s3:GetObject", where + " (HeadObject: uploaded already?)",
                where, () -> s3.headObject(r -> r.bucket(bucket).key(key)));
        if (head.isPresent() && head.get().contentLength() != null && head.get().contentLength() == size) {
            return;
        }
        if (size <= partSize) {
            d.write("s3:PutObject", where, where + " (" + Megabytes.of(size) + ")",
                    () -> s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/zip"),
                            RequestBody.fromFile(zip)));
            return;
        }
        int parts = (int) ((size + partSize - 1) / partSize);
        CreateMultipartUploadResponse upload = d.write("s3:PutObject", where, where + " (CreateMultipartUpload: "
                + parts + " parts of up to " + Megabytes.of(partSize) + ")", () -> s3.createMultipartUpload(r -> r
                        .bucket(bucket).key(key).contentType("application/zip")));
        String uploadId = upload == null ? null : upload.uploadId();
        List<CompletedPart> done = new ArrayList<>();
        try (InputStream in = d.dryRun() ? InputStream.nullInputStream() : Files.newInputStream(zip)) {
            for (int part = 1; part <= parts; part++) {
                int number = part;
                int length = (int) Math.min(partSize, size - (part - 1) * partSize);
                byte[] bytes = d.dryRun() ? new byte[0] : in.readNBytes(length);
                if (!d.dryRun() && bytes.length != length) {
                    throw new IOException(zip + " changed while it was uploaded (expected " + size + " bytes)");
                }
                UploadPartResponse r = d.write("s3:PutObject", where, where + " (UploadPart " + number + " of "
                        + parts + ", " + Megabytes.of(length) + ")", () -> s3.uploadPart(p -> p.bucket(bucket)
                                .key(key).uploadId(uploadId).partNumber(number), RequestBody.fromBytes(bytes)));
                if (r != null) {
                    done.add(CompletedPart.builder().partNumber(number).eTag(r.eTag()).build());
                }
            }
            d.write("s3:PutObject", where, where + " (CompleteMultipartUpload)", () -> s3.completeMultipartUpload(r -> r
                    .bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(done))));
        } catch (IOException | RuntimeException e) {
            if (uploadId != null) {
                try {
                    s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
                } catch (RuntimeException abort) {
                    // the original failure is the one to report; the abort's stays attached to it
                    e.addSuppressed(abort);
                }
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }
}
