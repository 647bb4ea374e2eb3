package io.rockhub.resp.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.core.config.HubConfig;
import io.rockhub.core.time.Clock;
import io.rockhub.resp.server.Node;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Users declared in the config file, as redis.conf declares them: loaded at start, the default
 * user's line replacing its rules, written back by CONFIG REWRITE and loaded again from there;
 * a bad rule, or users in both the config file and an ACL file, stop the start.
 */
class AclConfigFileTest {
    @Test
    void userLinesLoadAtStartAndConfigRewriteWritesThemBack() throws Exception {
        Path dir = Files.createTempDirectory("rockhub-acl-conf");
        Path conf = dir.resolve("rockhub.conf");
        Files.writeString(conf, "port 0\ndir " + dir.resolve("data") + "\n"
                + "user alice on >s3cret ~app:* +get +set\n"
                + "user default on nopass ~* &* +@all -flushall\n");
        try {
            String listed;
            Node node = Node.start(HubConfig.load(conf, Map.of()), Clock.SYSTEM);
            try (RawClient c = new RawClient(node.port())) {
                assertThat(c.call("FLUSHALL")).isEqualTo("-NOPERM this user has no permissions to run the 'flushall' command\r\n");
                assertThat(c.call("AUTH", "alice", "s3cret")).isEqualTo("+OK\r\n");
                assertThat(c.call("SET", "app:1", "v")).isEqualTo("+OK\r\n");
                assertThat(c.call("SET", "other", "v")).startsWith("-NOPERM");
            }
            try (RawClient admin = new RawClient(node.port())) {
                listed = admin.call("ACL", "LIST");
                assertThat(listed).contains("user alice on #", "~app:* resetchannels -@all +get +set",
                        "user default on nopass sanitize-payload ~* &* +@all -flushall"); // as redis-server 7.0.15 lists it
                assertThat(admin.call("CONFIG", "REWRITE")).isEqualTo("+OK\r\n");
            } finally {
                node.close();
            }
            assertThat(Files.readString(conf)).contains("\nuser alice on #").doesNotContain("s3cret");
            Node again = Node.start(HubConfig.load(conf, Map.of()), Clock.SYSTEM);
            try (RawClient c = new RawClient(again.port())) {
                assertThat(c.call("ACL", "LIST")).isEqualTo(listed);
            } finally {
                again.close();
            }

            Files.writeString(conf, "port 0\ndir " + dir.resolve("data") + "\nuser bob on +nosuchcommand\n");
            assertThatThrownBy(() -> Node.start(HubConfig.load(conf, Map.of()), Clock.SYSTEM).close())
                    .hasMessage("Error loading ACL rule '+nosuchcommand' for the user named 'bob': Unknown command or"
                            + " category name in ACL");
            Files.writeString(conf, "port 0\ndir " + dir.resolve("data") + "\naclfile " + dir.resolve("x.acl")
                    + "\nuser bob on\n");
            assertThatThrownBy(() -> Node.start(HubConfig.load(conf, Map.of()), Clock.SYSTEM).close())
                    .hasMessageContaining("please define either an ACL file or declare users directly");
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    @Test
    void everyCommandBelongsToKnownAclCategories() {
        AclCommandSet set = new AclCommandSet(io.rockhub.resp.commands.Commands.table());
        java.util.List<AclCommandSet.Entry> all = new java.util.ArrayList<>();
        collect(set.topLevel(), all);
        assertThat(all).hasSize(set.size());
        for (AclCommandSet.Entry e : all) {
            assertThat(e.categories()).as(e.fullName()).isNotEmpty();
            assertThat(AclCommandSet.CATEGORIES).as(e.fullName()).containsAll(e.categories());
        }
    }

    private static void collect(java.util.List<AclCommandSet.Entry> entries, java.util.List<AclCommandSet.Entry> into) {
        for (AclCommandSet.Entry e : entries) {
            into.add(e);
            collect(e.subcommands(), into);
        }
    }
}
