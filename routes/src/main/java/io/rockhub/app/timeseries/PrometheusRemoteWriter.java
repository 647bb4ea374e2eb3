package io.rockhub.app.timeseries;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote write 1.0: a protobuf {@code WriteRequest} (timeseries = labels incl.
 * {@code __name__}, sorted by name, and samples sorted by time), snappy block-compressed, POSTed to
 * {@code /api/v1/write} with the standard headers. The message is small enough to encode field by
 * field with protobuf's {@link CodedOutputStream} instead of generated classes:
 * WriteRequest{1: TimeSeries}, TimeSeries{1: Label, 2: Sample}, Label{1: name, 2: value},
 * Sample{1: double value, 2: int64 timestamp}.
 */
public final class PrometheusRemoteWriter implements TsdbWriter {
    private final URI uri;

    public PrometheusRemoteWriter(String baseUrl) {
        this.uri = URI.create(baseUrl.replaceAll("/+$", "") + "/api/v1/write");
    }

    @Override
    public String name() {
        return "prometheus";
    }

    @Override
    public Outcome write(List<Batch> batches) {
        try {
            byte[] body = Snappy.compress(encode(batches));
            return HttpWrites.post(uri, body, "Content-Type", "application/x-protobuf", "Content-Encoding", "snappy",
                    "X-Prometheus-Remote-Write-Version", "0.1.0", "User-Agent", "rockhub");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encode(List<Batch> batches) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        CodedOutputStream req = CodedOutputStream.newInstance(request);
        for (Batch b : batches) {
            byte[] series = series(b);
            req.writeByteArray(1, series);
        }
        req.flush();
        return request.toByteArray();
    }

    private static byte[] series(Batch b) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream ts = CodedOutputStream.newInstance(bytes);
        Map<String, String> labels = new TreeMap<>(b.series().labels());
        labels.put("__name__", b.series().metric());
        for (Map.Entry<String, String> l : labels.entrySet()) {
            ByteArrayOutputStream lb = new ByteArrayOutputStream();
            CodedOutputStream label = CodedOutputStream.newInstance(lb);
            label.writeString(1, l.getKey());
            label.writeString(2, l.getValue());
            label.flush();
            ts.writeByteArray(1, lb.toByteArray());
        }
        for (Sample s : b.samples()) {
            ByteArrayOutputStream sb = new ByteArrayOutputStream();
            CodedOutputStream sample = CodedOutputStream.newInstance(sb);
            sample.writeDouble(1, s.value());
            sample.writeInt64(2, s.timeMillis());
            sample.flush();
            ts.writeByteArray(2, sb.toByteArray());
        }
        ts.flush();
        return bytes.toByteArray();
    }
}
