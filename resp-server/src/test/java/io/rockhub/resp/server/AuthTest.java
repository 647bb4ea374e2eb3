package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthTest {
    @Test
    void everythingButAuthHelloAndQuitNeedsThePassword() throws Exception {
        try (TestServer server = TestServer.start(Map.of("requirepass", "s3cret"));
             RawClient c = new RawClient(server.port())) {
            assertThat(c.call("GET", "k")).isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(c.call("HELLO", "3")).startsWith("-NOAUTH HELLO must be called with the client already authenticated");
            assertThat(c.call("AUTH", "wrong")).isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(c.call("AUTH", "s3cret")).isEqualTo("+OK\r\n");
            assertThat(c.call("SET", "k", "v")).isEqualTo("+OK\r\n");
            assertThat(c.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(c.call("GET", "k")).as("RESET signs the connection out").isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(c.call("AUTH", "s3cret")).isEqualTo("+OK\r\n");
            try (RawClient d = new RawClient(server.port())) {
                assertThat(d.call("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "app")).startsWith("%7\r\n");
                assertThat(d.call("CLIENT", "GETNAME")).isEqualTo("$3\r\napp\r\n");
                assertThat(d.call("AUTH", "someone", "s3cret"))
                        .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            }
            try (RawClient e = new RawClient(server.port())) {
                assertThat(e.call("QUIT")).isEqualTo("+OK\r\n");
            }
        }
    }

    @Test
    void requirepassCanChangeAtRunTime() throws Exception {
        try (TestServer server = TestServer.start(); RawClient admin = new RawClient(server.port())) {
            assertThat(admin.call("AUTH", "x")).startsWith("-ERR AUTH <password> called without any password configured");
            assertThat(admin.call("CONFIG", "SET", "requirepass", "newpass")).isEqualTo("+OK\r\n");
            try (RawClient c = new RawClient(server.port())) {
                assertThat(c.call("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
                assertThat(c.call("AUTH", "default", "newpass")).isEqualTo("+OK\r\n");
                assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            }
        }
    }
}
