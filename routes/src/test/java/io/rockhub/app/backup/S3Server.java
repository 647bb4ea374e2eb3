package io.rockhub.app.backup;

import java.io.InputStream;
import java.net.URI;
import java.util.function.IntConsumer;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/** A real S3 API server (S3Proxy over a directory) in this JVM on 127.0.0.1; stoppable and restartable. */
final class S3Server implements AutoCloseable {
    static final String ACCESS_KEY = "rockhub-access";
    static final String SECRET_KEY = "rockhub-secret";

    private final Path dir;
    private final int port;
    private S3Proxy proxy;
    private volatile IntConsumer afterPart = n -> { };

    /** Lets a test act (stop this server, say) once a multipart part is stored, before it is answered. */
    void afterEachPart(IntConsumer hook) {
        afterPart = hook;
    }

    private final class PartObserver extends ForwardingBlobStore {
        PartObserver(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public UploadPartResponse uploadMultipartPart(MultipartUpload mpu, UploadPartRequest request, InputStream in) {
            UploadPartResponse r = super.uploadMultipartPart(mpu, request, in);
            afterPart.accept(request.partNumber());
            return r;
        }
    }

    private S3Server(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static S3Server start(Path dir) throws Exception {
        S3Server s = new S3Server(dir, io.rockhub.resp.testing.RealRedis.freePort());
        s.startProxy();
        return s;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    private void startProxy() throws Exception {
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.toString());
        proxy = S3Proxy.builder().blobStore(new PartObserver(BlobStores.create("filesystem", p)))
                .endpoint(URI.create(endpoint()))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        Awaitility.await("S3Proxy started").atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(proxy.getState()));
    }

    void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    void restart() throws Exception {
        stop();
        startProxy();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
