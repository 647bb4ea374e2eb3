package io.rockhub.app.export;

import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * What the streams-to-Kafka export reads from its properties ({@code rockhub.export.*}):
 *
 * <pre>
 * rockhub.export.kafka.bootstrap-servers  Kafka to write to (required to enable the export)
 * rockhub.export.streams                  streams to export, comma-separated (required)
 * rockhub.export.topic-template           topic per stream; {stream} is replaced (default rockhub.{stream})
 * rockhub.export.topic.NAME               the topic of stream NAME, overriding the template
 * rockhub.export.value-format             json (the fields as a JSON object, default) or field:NAME (that field's value)
 * rockhub.export.key-field                entry field used as record key (default: the stream name)
 * rockhub.export.batch-size               entries per Kafka transaction at most (default 500)
 * rockhub.export.poll-timeout-ms          pause when a stream has nothing new (default 100)
 * rockhub.export.transactional-id         stable Kafka transactional id of this exporter (default rockhub-export)
 * rockhub.export.cursor-topic             compacted topic holding each stream's cursor (default rockhub-export-cursors)
 * rockhub.export.redis.host / .port / .password   where the streams are (default 127.0.0.1:6380)
 * rockhub.export.redis.user                       the ACL user to read them as (default: the default user)
 * </pre>
 */
public record ExportConfig(String bootstrapServers, List<String> streams, String topicTemplate,
                           java.util.Map<String, String> topics, String keyField, String valueField, int batchSize,
                           long pollTimeoutMillis, String transactionalId, String cursorTopic, String redisHost,
                           int redisPort, String redisPassword, String redisUser) {

    public String topicFor(String stream) {
        return topics.getOrDefault(stream, topicTemplate.replace("{stream}", stream));
    }

    /** The export's settings, or null when the properties do not configure one. */
    public static ExportConfig from(Properties p) {
        String servers = p.getProperty("rockhub.export.kafka.bootstrap-servers", "").trim();
        String streams = p.getProperty("rockhub.export.streams", "").trim();
        if (servers.isEmpty() && streams.isEmpty()) {
            return null;
        }
        if (servers.isEmpty() || streams.isEmpty()) {
            throw new IllegalArgumentException("rockhub.export needs both rockhub.export.kafka.bootstrap-servers and "
                    + "rockhub.export.streams");
        }
        String key = p.getProperty("rockhub.export.key-field", "").trim();
        String format = p.getProperty("rockhub.export.value-format", "json").trim();
        if (!format.equals("json") && !format.startsWith("field:")) {
            throw new IllegalArgumentException("rockhub.export.value-format must be json or field:NAME, not " + format);
        }
        java.util.Map<String, String> topics = new java.util.HashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith("rockhub.export.topic.")) {
                topics.put(name.substring("rockhub.export.topic.".length()), p.getProperty(name).trim());
            }
        }
        return new ExportConfig(servers,
                Arrays.stream(streams.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                p.getProperty("rockhub.export.topic-template", "rockhub.{stream}").trim(), java.util.Map.copyOf(topics),
                key.isEmpty() ? null : key, format.startsWith("field:") ? format.substring(6) : null,
                Integer.parseInt(p.getProperty("rockhub.export.batch-size", "500").trim()),
                Long.parseLong(p.getProperty("rockhub.export.poll-timeout-ms", "100").trim()),
                p.getProperty("rockhub.export.transactional-id", "rockhub-export").trim(),
                p.getProperty("rockhub.export.cursor-topic", "rockhub-export-cursors").trim(),
                p.getProperty("rockhub.export.redis.host", "127.0.0.1").trim(),
                Integer.parseInt(p.getProperty("rockhub.export.redis.port", "6380").trim()),
                emptyToNull(p.getProperty("rockhub.export.redis.password", "")),
                emptyToNull(p.getProperty("rockhub.export.redis.user", "")));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
