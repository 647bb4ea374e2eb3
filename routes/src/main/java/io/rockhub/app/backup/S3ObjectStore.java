package io.rockhub.app.backup;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket of an S3-compatible server through the AWS SDK v2 (endpoint, region, credentials,
 * bucket, prefix and path-style access as settings). Files above {@code partSize} go up in parts;
 * a failed multipart upload is aborted, and uploads left by an earlier crash are aborted when the
 * store opens, so no orphaned parts stay behind.
 */
public final class S3ObjectStore implements ObjectStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final long partSize;
    /** Multipart uploads whose abort failed (the server was away): aborted at the next successful upload. */
    private final Map<String, String> unaborted = new ConcurrentHashMap<>();

    /** S3 settings; {@code endpoint} empty means AWS itself, credentials empty means the SDK's default chain. */
    public record Settings(String endpoint, String region, String accessKey, String secretKey, String bucket,
                           String prefix, boolean pathStyle, long partSize) {
    }

    public S3ObjectStore(Settings s) {
        S3ClientBuilder b = S3Client.builder().region(Region.of(s.region()))
                .forcePathStyle(s.pathStyle());
        if (!s.endpoint().isEmpty()) {
            b.endpointOverride(URI.create(s.endpoint()));
        }
        b.credentialsProvider(s.accessKey().isEmpty() ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey())));
        this.s3 = b.build();
        this.bucket = s.bucket();
        this.prefix = s.prefix().isEmpty() || s.prefix().endsWith("/") ? s.prefix() : s.prefix() + "/";
        this.partSize = Math.max(5L << 20, s.partSize());
    }

    /** Creates the bucket if missing and aborts multipart uploads an interrupted backup left under the prefix. */
    public S3ObjectStore open() throws IOException {
        try {
            try {
                s3.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
            } catch (NoSuchBucketException e) {
                s3.createBucket(CreateBucketRequest.builder().bucket(bucket).build());
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                s3.createBucket(CreateBucketRequest.builder().bucket(bucket).build());
            }
            for (MultipartUpload u : s3.listMultipartUploads(r -> r.bucket(bucket).prefix(prefix)).uploads()) {
                s3.abortMultipartUpload(r -> r.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
                LOG.info("aborted the unfinished multipart upload of {} left by an interrupted backup", u.key());
            }
            return this;
        } catch (SdkException e) {
            throw new IOException("cannot open bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    /** Multipart uploads in progress under the prefix (none once a backup finished or was aborted). */
    public int pendingUploads() {
        return s3.listMultipartUploads(r -> r.bucket(bucket).prefix(prefix)).uploads().size();
    }

    private String full(String key) {
        return prefix + key;
    }

    @Override
    public void put(String key, Path file) throws IOException {
        long size = Files.size(file);
        try {
            abortLeftovers();
            if (size <= partSize) {
                s3.putObject(r -> r.bucket(bucket).key(full(key)), RequestBody.fromFile(file));
                return;
            }
            multipart(key, file, size);
        } catch (SdkException e) {
            throw new IOException("upload of " + key + " failed: " + e.getMessage(), e);
        }
    }

    private void multipart(String key, Path file, long size) throws IOException {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(full(key))).uploadId();
        boolean done = false;
        try (InputStream in = Files.newInputStream(file)) {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long off = 0; off < size; off += partSize, number++) {
                int n = (int) Math.min(partSize, size - off);
                byte[] chunk = in.readNBytes(n);
                int part = number;
                String etag = s3.uploadPart(r -> r.bucket(bucket).key(full(key)).uploadId(uploadId).partNumber(part),
                        RequestBody.fromBytes(chunk)).eTag();
                parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
            }
            s3.completeMultipartUpload(r -> r.bucket(bucket).key(full(key)).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
            done = true;
        } finally {
            if (!done) {
                try {
                    s3.abortMultipartUpload(r -> r.bucket(bucket).key(full(key)).uploadId(uploadId));
                } catch (SdkException e) {
                    unaborted.put(uploadId, full(key));
                    LOG.warn("could not abort the multipart upload of {} yet; it is aborted at the next upload", key);
                }
            }
        }
    }

    /** The server is back (or this call fails like the upload after it would): drop the parts of failed uploads. */
    private void abortLeftovers() {
        for (Map.Entry<String, String> u : unaborted.entrySet()) {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(u.getValue()).uploadId(u.getKey()));
            unaborted.remove(u.getKey());
            LOG.info("aborted the multipart upload of {} left by a failed attempt", u.getValue());
        }
    }

    @Override
    public void putBytes(String key, byte[] data) throws IOException {
        try {
            abortLeftovers();
            s3.putObject(r -> r.bucket(bucket).key(full(key)), RequestBody.fromBytes(data));
        } catch (SdkException e) {
            throw new IOException("upload of " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void get(String key, Path target) throws IOException {
        try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(full(key)))) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (SdkException e) {
            throw new IOException("download of " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] getBytes(String key) throws IOException {
        try {
            return s3.getObjectAsBytes(r -> r.bucket(bucket).key(full(key))).asByteArray();
        } catch (SdkException e) {
            throw new IOException("download of " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        try {
            s3.headObject(r -> r.bucket(bucket).key(full(key)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new IOException("cannot look up " + key + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("cannot look up " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> list(String keyPrefix) throws IOException {
        List<String> out = new ArrayList<>();
        try {
            String token = null;
            do {
                ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket)
                        .prefix(full(keyPrefix));
                if (token != null) {
                    req.continuationToken(token);
                }
                ListObjectsV2Response r = s3.listObjectsV2(req.build());
                for (S3Object o : r.contents()) {
                    out.add(o.key().substring(prefix.length()));
                }
                token = r.isTruncated() ? r.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            throw new IOException("cannot list " + keyPrefix + ": " + e.getMessage(), e);
        }
        out.sort(String::compareTo);
        return out;
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(full(key)));
        } catch (SdkException e) {
            throw new IOException("cannot delete " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public void close() {
        s3.close();
    }
}
