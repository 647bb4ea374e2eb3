package io.rockhub.resp.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A brute force of wrong passwords is one client's problem: 20,000 AUTH attempts sent in one go,
 * their replies left unread, do not keep another client from being served, every attempt is
 * answered WRONGPASS, and ACL LOG groups them into one entry, as Redis does.
 */
class AuthBruteForceTest {
    @Test
    void wrongPasswordsDoNotHoldUpOtherClients() throws Exception {
        int attempts = 20_000;
        try (TestServer s = TestServer.start(Map.of("requirepass", "the-real-one"));
             Socket attacker = new Socket("127.0.0.1", s.port()); RawClient other = new RawClient(s.port())) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < attempts; i++) {
                burst.write(RawClient.encode("AUTH", "guess-" + i));
            }
            Thread sender = new Thread(() -> {
                try {
                    attacker.getOutputStream().write(burst.toByteArray()); // never reads while sending
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            sender.start();
            assertThat(other.call("AUTH", "the-real-one")).isEqualTo("+OK\r\n");
            for (int i = 0; i < 200; i++) {
                assertThat(other.call("PING")).isEqualTo("+PONG\r\n");
            }
            try (RawClient replies = new RawClient(attacker)) {
                for (int i = 0; i < attempts; i++) {
                    assertThat(replies.readReply())
                            .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
                }
            }
            sender.join();
            String log = other.call("ACL", "LOG");
            assertThat(log).startsWith("*1\r\n").contains(":" + attempts + "\r\n", "auth", "default");
        }
    }
}
