package io.rockhub.resp.testing;

import io.rockhub.core.config.HubConfig;
import io.rockhub.core.time.Clock;
import io.rockhub.resp.server.Hub;
import io.rockhub.resp.server.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** A RockHub server in this JVM on a free port with data in a temporary directory. */
public final class TestServer implements AutoCloseable {
    private final Path dir;
    private final Node node;
    private final boolean ownsDir;

    private TestServer(Path dir, boolean ownsDir, Map<String, String> settings, Clock clock) throws Exception {
        this.dir = dir;
        this.ownsDir = ownsDir;
        Map<String, String> all = new LinkedHashMap<>();
        all.put("port", "0");
        all.put("dir", dir.toString());
        all.put("rocksdb.block_cache_size", "16");
        all.put("rocksdb.write_buffer_size", "4");
        all.putAll(settings);
        try {
            this.node = Node.start(HubConfig.load(null, all), clock);
        } catch (Exception | Error e) {
            if (ownsDir) {
                deleteTree(dir); // a server that refuses to start (a test of a bad setting) leaves nothing
            }
            throw e;
        }
    }

    public static TestServer start() throws Exception {
        return start(Map.of());
    }

    public static TestServer start(Map<String, String> settings) throws Exception {
        return new TestServer(Files.createTempDirectory("rockhub-test"), true, settings, Clock.SYSTEM);
    }

    public static TestServer start(Map<String, String> settings, Clock clock) throws Exception {
        return new TestServer(Files.createTempDirectory("rockhub-test"), true, settings, clock);
    }

    /** A server on an existing data directory, which the caller owns. */
    public static TestServer startIn(Path dir, Map<String, String> settings) throws Exception {
        return new TestServer(dir, false, settings, Clock.SYSTEM);
    }

    public int port() {
        return node.port();
    }

    public Node node() {
        return node;
    }

    /** The running hub (a new one after a replica installed a full-sync copy). */
    public Hub hub() {
        return node.hub();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            node.close();
        } finally {
            if (ownsDir) {
                deleteTree(dir);
                // Full syncs served to replicas leave their checkpoints beside the data directory.
                deleteTree(dir.resolveSibling(dir.getFileName() + ".checkpoints"));
                // A cluster node keeps its id and topology beside the data directory too.
                dir.resolveSibling(dir.getFileName() + ".nodes.conf").toFile().delete();
            }
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
