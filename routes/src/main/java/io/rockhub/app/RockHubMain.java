package io.rockhub.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.rockhub.core.config.ConfigException;
import io.rockhub.core.config.HubConfig;
import io.rockhub.core.storage.StorageException;
import io.rockhub.core.time.Clock;
import io.rockhub.resp.server.Hub;
import io.rockhub.resp.server.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rockhub [--config FILE] [--key value ...]}: starts the RESP server on RocksDB. Like
 * redis-server, every configuration key can be given on the command line, overriding the file.
 */
@Command(name = "rockhub", mixinStandardHelpOptions = true, versionProvider = RockHubMain.Version.class,
        subcommands = {BackupCli.Restore.class, BackupCli.Verify.class},
        description = "A durable Redis-protocol event hub on RocksDB.",
        footer = {"", "Any configuration key may be given as --key value, e.g. --port 7000 --dir /tmp/x.",
            "Keys follow kvrocks.conf: port, bind, dir, requirepass, rocksdb.block_cache_size, ..."})
public final class RockHubMain implements java.util.concurrent.Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RockHubMain.class);

    @Option(names = "--config", paramLabel = "FILE", description = "configuration file (kvrocks.conf style)")
    Path configFile;

    @Parameters(paramLabel = "--key value", description = "configuration overrides")
    List<String> overrides = new ArrayList<>();

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new RockHubMain());
        cli.setUnmatchedOptionsArePositionalParams(true);
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        HubConfig config;
        try {
            config = HubConfig.load(configFile, pairs(overrides));
        } catch (ConfigException e) {
            System.err.println("rockhub: bad configuration: " + e.getMessage());
            return 2;
        }
        applyLogLevel(config.get("loglevel"));
        Node node;
        try {
            node = Node.start(config, Clock.SYSTEM);
        } catch (StorageException e) {
            System.err.println("rockhub: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            System.err.println("rockhub: bad configuration: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("rockhub: cannot listen on " + config.get("bind") + ":" + config.get("port")
                    + (config.getInt("tls-port") != 0 ? " and TLS port " + config.get("tls-port") : "") + ": " + e);
            return 1;
        }
        int port = node.port();
        AppServices services;
        try {
            services = AppServices.start(config, node);
        } catch (Exception e) {
            System.err.println("rockhub: cannot start the routes or the metrics endpoint: " + e.getMessage());
            node.close();
            return 1;
        }
        config.onChange((key, value) -> {
            if (key.equals("loglevel")) {
                applyLogLevel(value);
            }
        });
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                LOG.info("shutting down: closing connections, syncing WAL, flushing memtables");
                services.close();
                node.close();
                stopped.countDown();
            }
        };
        node.onShutdown(stop);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            try {
                stopped.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "rockhub-shutdown-hook"));
        int tlsPort = node.hub().tls().port();
        System.out.println("RockHub " + Hub.VERSION + " ready on " + config.get("bind").split("\\s+")[0] + ":" + port
                + (tlsPort != 0 ? ", TLS on port " + tlsPort : "") + ", data in " + node.hub().storage().dir() + ", durability "
                + (config.getBool("rocksdb.write_options.sync") ? "sync (WAL fsynced before every reply)"
                        : "relaxed (WAL written before reply, fsynced every second)"));
        System.out.flush();
        stopped.await();
        LOG.info("bye");
        return 0;
    }

    /** {@code --key v1 [v2 ...]} pairs; several values (e.g. bind addresses) join with spaces. */
    static Map<String, String> pairs(List<String> args) throws ConfigException {
        Map<String, String> out = new LinkedHashMap<>();
        String key = null;
        StringBuilder value = new StringBuilder();
        for (String a : args) {
            if (a.startsWith("--") && a.length() > 2) {
                if (key != null) {
                    out.put(key, value.toString());
                }
                key = a.substring(2);
                value.setLength(0);
                if (!HubConfig.isKnown(key)) {
                    throw new ConfigException(key, "--" + key + ": unknown configuration key");
                }
            } else {
                if (key == null) {
                    throw new ConfigException(a, "unexpected argument '" + a + "': configuration keys are given as --key value");
                }
                if (!value.isEmpty()) {
                    value.append(' ');
                }
                value.append(a);
            }
        }
        if (key != null) {
            out.put(key, value.toString());
        }
        return out;
    }

    private static void applyLogLevel(String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ctx.getLogger("io.rockhub").setLevel(switch (level) {
            case "debug" -> Level.DEBUG;
            case "verbose" -> Level.DEBUG;
            case "notice", "warning" -> Level.WARN;
            default -> Level.INFO;
        });
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"RockHub " + Hub.VERSION + " (Redis " + Hub.REDIS_COMPATIBLE_VERSION + " compatible)"};
        }
    }
}
