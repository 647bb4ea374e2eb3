package io.rockhub.app.timeseries;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * InfluxDB 1.x line protocol over HTTP ({@code /write?db=...&precision=ms}): one line per sample,
 * {@code metric,label=value value=<v> <ms>}, with the protocol's escaping of measurement names, tag
 * keys and tag values.
 */
public final class InfluxWriter implements TsdbWriter {
    private final URI uri;

    public InfluxWriter(String baseUrl, String database) {
        this.uri = URI.create(baseUrl.replaceAll("/+$", "") + "/write?db="
                + URLEncoder.encode(database, StandardCharsets.UTF_8) + "&precision=ms");
    }

    @Override
    public String name() {
        return "influxdb";
    }

    @Override
    public Outcome write(List<Batch> batches) {
        StringBuilder sb = new StringBuilder();
        for (Batch b : batches) {
            StringBuilder prefix = new StringBuilder(escape(b.series().metric(), ", "));
            for (Map.Entry<String, String> l : b.series().labels().entrySet()) {
                prefix.append(',').append(escape(l.getKey(), ",= ")).append('=').append(escape(l.getValue(), ",= "));
            }
            for (Sample s : b.samples()) {
                sb.append(prefix).append(" value=").append(s.value()).append(' ').append(s.timeMillis()).append('\n');
            }
        }
        return HttpWrites.post(uri, sb.toString().getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain");
    }

    private static String escape(String s, String special) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (special.indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
