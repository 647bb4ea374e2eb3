package io.rockhub.controller;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;

/**
 * {@code bin/rockhub cluster local}: a whole cluster on this machine for trying cluster mode and for
 * tests: a ZooKeeper server (or a given ensemble), {@code shards × (1 + replicas)} data nodes on
 * ports {@code port, port + 1, ...} and a controller, each its own process writing its log and pid
 * ({@code DIR/<port>.pid} for a data node) into DIR. It returns once every node answers
 * {@code cluster_state:ok}; {@code --stop} stops them all. Started again on the same DIR, the nodes
 * keep their data, ids and topology.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Starts (or with --stop stops) a local cluster: ZooKeeper, data nodes and a controller.")
final class LocalCluster implements Callable<Integer> {
    static final String CLUSTER = "local";

    @Option(names = "--dir", required = true, description = "where the processes keep their data, logs and pids")
    Path dir;

    @Option(names = "--stop", description = "stop the cluster running in DIR")
    boolean stop;

    @Option(names = "--port", defaultValue = "7001", description = "first data node's port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--shards", defaultValue = "3", description = "primaries (default: ${DEFAULT-VALUE})")
    int shards;

    @Option(names = "--replicas", defaultValue = "1", description = "replicas per primary (default: ${DEFAULT-VALUE})")
    int replicas;

    @Option(names = "--zookeeper", description = "an existing ensemble (default: a ZooKeeper server started here)")
    String zookeeper;

    @Option(names = "--rockhub-jar", description = "the data node's jar (default: $ROCKHUB_JAR, else routes/target/rockhub.jar)")
    Path rockhubJar;

    @Option(names = "--node-heap", defaultValue = "512m", description = "each data node's -Xmx (default: ${DEFAULT-VALUE})")
    String nodeHeap;

    @Option(names = "--fail-after-ms", defaultValue = "3000", description = "the controller's failover delay (default: ${DEFAULT-VALUE})")
    long failAfter;

    @Override
    public Integer call() throws Exception {
        dir = dir.toAbsolutePath();
        if (stop) {
            int stopped = stopAll(dir);
            System.out.println("stopped " + stopped + " processes of the local cluster in " + dir);
            return 0;
        }
        if (!running(dir).isEmpty()) {
            System.err.println("a local cluster runs in " + dir + " already: stop it with --stop first");
            return 1;
        }
        Files.createDirectories(dir);
        Path jar = rockhubJar != null ? rockhubJar
                : System.getenv("ROCKHUB_JAR") != null ? Path.of(System.getenv("ROCKHUB_JAR")) : Path.of("routes/target/rockhub.jar");
        if (!Files.isRegularFile(jar)) {
            System.err.println("no data node jar at " + jar + " (build it with: mvn -DskipTests package -pl routes -am)");
            return 1;
        }
        String zk = zookeeper;
        if (zk == null) {
            int zkPort = freePort();
            spawn("zookeeper", self("zookeeper", "--port", Integer.toString(zkPort), "--dir", dir.resolve("zookeeper").toString()));
            waitForPort(zkPort, "ZooKeeper");
            zk = "127.0.0.1:" + zkPort;
        }
        int count = shards * (1 + replicas);
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int p = port + i;
            Path home = dir.resolve(Integer.toString(p));
            Files.createDirectories(home.resolve("tmp"));
            spawn(Integer.toString(p), List.of(java(), "-Xmx" + nodeHeap,
                    // RocksJava unpacks its native library into the temp dir at every start: keep it in DIR.
                    "-Djava.io.tmpdir=" + home.resolve("tmp"), "-jar", jar.toAbsolutePath().toString(),
                    "--port", Integer.toString(p), "--dir", home.resolve("data").toString(),
                    "--cluster-enabled", "yes", "--cluster-config-file", home.resolve("nodes.conf").toString()));
            nodes.add("127.0.0.1:" + p);
        }
        for (int i = 0; i < count; i++) {
            waitForPort(port + i, "data node " + (port + i));
        }
        try (CuratorFramework client = ControllerMain.connect(zk)) {
            if (new ClusterStore(client, CLUSTER).read() == null) {
                Controller.create(client, CLUSTER, nodes, replicas, 5_000);
            }
        }
        spawn("controller", self("run", "--zookeeper", zk, "--cluster", CLUSTER, "--name", "local",
                "--fail-after-ms", Long.toString(failAfter)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (int i = 0; i < count; i++) {
            while (!clusterOk(port + i)) {
                if (System.nanoTime() > deadline) {
                    System.err.println("the cluster did not reach cluster_state:ok; logs are in " + dir);
                    return 1;
                }
                Thread.sleep(100);
            }
        }
        System.out.println("local cluster ready: " + shards + " shards x " + (1 + replicas) + " nodes on ports " + port
                + "-" + (port + count - 1) + ", ZooKeeper " + zk + ", logs and pids in " + dir);
        System.out.println("try: redis-cli -c -p " + port + "    stop: bin/rockhub cluster local --dir " + dir + " --stop");
        return 0;
    }

    private static boolean clusterOk(int p) {
        try (Jedis j = new Jedis("127.0.0.1", p, 1_000)) {
            return j.clusterInfo().contains("cluster_state:ok");
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** This program again, as its own process (the ZooKeeper server, the controller). */
    private static List<String> self(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ControllerMain.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void spawn(String name, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Files.writeString(dir.resolve(name + ".pid"), Long.toString(p.pid()));
    }

    /**
     * The process a pid file names, if it is still the one started then: a pid file outliving its
     * process may name an unrelated process that reused the pid, which started after the file was written.
     */
    private static java.util.Optional<ProcessHandle> process(Path pidFile) throws IOException {
        java.time.Instant written = Files.getLastModifiedTime(pidFile).toInstant().plusSeconds(1);
        return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
                .filter(h -> h.info().startInstant().map(started -> !started.isAfter(written)).orElse(true));
    }

    /** The pids of DIR's processes still alive. */
    static List<ProcessHandle> running(Path dir) throws IOException {
        List<ProcessHandle> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                process(f).filter(ProcessHandle::isAlive).ifPresent(out::add);
            }
        }
        return out;
    }

    /** Stops the controller first (no failover for nodes being stopped), then the data nodes, then ZooKeeper. */
    static int stopAll(Path dir) throws Exception {
        int stopped = 0;
        for (String group : List.of("controller", "node", "zookeeper")) {
            List<Path> pids = new ArrayList<>();
            if (!Files.isDirectory(dir)) {
                return 0;
            }
            try (var files = Files.list(dir)) {
                files.filter(f -> {
                    String n = f.getFileName().toString();
                    if (!n.endsWith(".pid")) {
                        return false;
                    }
                    String base = n.substring(0, n.length() - 4);
                    return group.equals("node") ? base.chars().allMatch(Character::isDigit) : base.equals(group);
                }).forEach(pids::add);
            }
            List<ProcessHandle> handles = new ArrayList<>();
            for (Path f : pids) {
                process(f).ifPresent(h -> {
                    h.destroy();
                    handles.add(h);
                });
            }
            for (ProcessHandle h : handles) {
                try {
                    h.onExit().get(15, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    h.destroyForcibly();
                    h.onExit().get(10, TimeUnit.SECONDS);
                }
                stopped++;
            }
            for (Path f : pids) {
                Files.deleteIfExists(f);
            }
        }
        return stopped;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void waitForPort(int p, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", p)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + " did not start listening on port " + p);
                }
                Thread.sleep(100);
            }
        }
    }
}
