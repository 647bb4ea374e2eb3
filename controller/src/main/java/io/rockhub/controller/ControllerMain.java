package io.rockhub.controller;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/rockhub cluster ...}: the controller process, cluster creation and status, a local cluster. */
@Command(name = "rockhub cluster", mixinStandardHelpOptions = true,
        subcommands = {ControllerMain.Run.class, ControllerMain.Create.class, ControllerMain.Status.class,
            ControllerMain.Failover.class, ControllerMain.Move.class,
            ControllerMain.ZooKeeper.class, LocalCluster.class},
        description = "Cluster mode: the controller (topology in ZooKeeper, failover), and a local cluster to try it.")
public final class ControllerMain implements Callable<Integer> {
    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 2;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ControllerMain()).execute(args));
    }

    /**
     * A session ends this long after its process died: the leader's election moves on, and a move whose
     * mover died is taken over by the leader (its source holds writes meanwhile), no later than that.
     */
    static final int SESSION_TIMEOUT_MILLIS = 10_000;

    static CuratorFramework connect(String zookeeper) {
        CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(zookeeper)
                .sessionTimeoutMs(SESSION_TIMEOUT_MILLIS).connectionTimeoutMs(5_000).retryPolicy(new ExponentialBackoffRetry(200, 10)).build();
        zk.start();
        return zk;
    }

    /** Options every command that reaches a cluster takes. */
    static class Target {
        @Option(names = "--zookeeper", required = true, paramLabel = "HOST:PORT[,...]", description = "ZooKeeper ensemble")
        String zookeeper;

        @Option(names = "--cluster", defaultValue = "default", description = "cluster name (default: ${DEFAULT-VALUE})")
        String cluster;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs a controller; run several, one leads (elected in ZooKeeper).")
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;

        @Option(names = "--name", description = "this controller's name in the election (default: host and pid)")
        String name;

        @Option(names = "--fail-after-ms", defaultValue = "3000",
                description = "how long a primary may stay silent before its replica takes over (default: ${DEFAULT-VALUE})")
        long failAfter;

        @Override
        public Integer call() throws Exception {
            String me = name != null ? name : java.net.InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
            CuratorFramework zk = connect(target.zookeeper);
            Controller c = new Controller(zk, target.cluster, me,
                    new Controller.Timing(500, failAfter, 1_000)).start();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    c.close();
                    zk.close();
                } catch (Exception ignored) {
                    // Stopping anyway.
                }
                stop.countDown();
            }));
            System.err.println("rockhub controller " + me + " running for cluster " + target.cluster);
            stop.await();
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a cluster from running data nodes (cluster-enabled yes): the first are primaries "
                    + "sharing the slots evenly, the others their replicas.")
    static final class Create implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;

        @Option(names = "--replicas", defaultValue = "0", description = "replicas per primary (default: ${DEFAULT-VALUE})")
        int replicas;

        @Parameters(paramLabel = "HOST:PORT", arity = "1..*", description = "data nodes")
        List<String> nodes;

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework zk = connect(target.zookeeper)) {
                Topology t = Controller.create(zk, target.cluster, nodes, replicas, 2_000);
                System.out.print(t.text());
                return 0;
            }
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "A planned failover: the replica takes over its primary's slots; the primary's writes are "
                    + "held (not refused) until the replica has caught up.")
    static final class Failover implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;

        @Option(names = "--replica", required = true, description = "the id of the replica that takes over")
        String replica;

        @Option(names = "--catch-up-ms", defaultValue = "5000", description = "longest wait for the replica (default: ${DEFAULT-VALUE})")
        long catchUp;

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework zk = connect(target.zookeeper)) {
                long held = Controller.plannedFailover(zk, target.cluster, replica, catchUp);
                System.out.println("failed over to " + replica + "; writes held " + held + " ms");
                return 0;
            }
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Moves slots to another primary with their keys, online: writes to them are held (not "
                    + "refused) only for the cutover.")
    static final class Move implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;

        @Option(names = "--slots", required = true, paramLabel = "FROM-TO[,...]", description = "the slots to move, e.g. 0-999,2000")
        String slots;

        @Option(names = "--to", required = true, paramLabel = "ID", description = "the id of the primary that takes them")
        String to;

        @Option(names = "--timeout-ms", defaultValue = "600000",
                description = "longest wait for the copy to be ready (default: ${DEFAULT-VALUE})")
        long timeout;

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework zk = connect(target.zookeeper)) {
                // Stopped (Ctrl-C, SIGTERM): the session ends now, not after its timeout, and the leader
                // takes the move over at once (the source's writes held for the cutover go on).
                Runtime.getRuntime().addShutdownHook(new Thread(zk::close));
                Controller.Move m = Controller.moveSlots(zk, target.cluster, slots, to, timeout);
                System.out.printf("moved slots %s to %s: %d keys, %.1f MB in %d ms (%.1f MB/s), writes held %d ms, "
                        + "topology epoch %d%n", slots, to, m.keys(), m.bytes() / 1e6, m.totalMillis(),
                        m.bytes() / 1e3 / Math.max(1, m.totalMillis()), m.heldMillis(), m.epoch());
                return 0;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Prints the committed topology.")
    static final class Status implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework zk = connect(target.zookeeper)) {
                ClusterStore.Versioned v = new ClusterStore(zk, target.cluster).read();
                if (v == null) {
                    System.err.println("no cluster " + target.cluster);
                    return 1;
                }
                System.out.println("epoch " + v.topology().epoch());
                System.out.print(v.topology().text());
                return 0;
            }
        }
    }

    @Command(name = "zookeeper", mixinStandardHelpOptions = true,
            description = "Runs a standalone ZooKeeper server (for a local cluster; production runs an ensemble).")
    static final class ZooKeeper implements Callable<Integer> {
        @Option(names = "--port", required = true)
        int port;

        @Option(names = "--dir", required = true)
        Path dir;

        @Override
        public Integer call() throws Exception {
            java.nio.file.Files.createDirectories(dir);
            // Its HTTP admin server would need Jetty, and nothing here uses it.
            System.setProperty("zookeeper.admin.enableServer", "false");
            org.apache.zookeeper.server.ServerConfig config = new org.apache.zookeeper.server.ServerConfig();
            config.parse(new String[] {Integer.toString(port), dir.toAbsolutePath().toString()});
            new org.apache.zookeeper.server.ZooKeeperServerMain().runFromConfig(config);
            return 0;
        }
    }
}
