package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import io.rockhub.core.types.StringStore.Condition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransactionAtomicityTest {
    private TempStorage tmp;
    private Keyspace keys;
    private StringStore strings;
    private HashStore hashes;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage();
        keys = new Keyspace(tmp.storage, new ManualClock(1_700_000_000_000L), 1 << 20);
        strings = new StringStore(keys);
        hashes = new HashStore(keys);
    }

    @AfterEach
    void close() throws Exception {
        tmp.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String get(String k) {
        Result<byte[]> r = strings.get(b(k));
        return r.isOk() ? new String(r.value()) : null;
    }

    @Test
    void laterCommandsReadEarlierWritesAndOthersSeeNothingUntilTheEnd() throws Exception {
        strings.set(b("n"), b("1"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        keys.runTransaction(() -> {
            assertThat(strings.incrBy(b("n"), 1).value()).isEqualTo(2);
            assertThat(strings.incrBy(b("n"), 1).value()).isEqualTo(3);
            hashes.set(b("h"), List.of(b("f"), b("v")), false);
            assertThat(hashes.length(b("h")).value()).isEqualTo(1);
            assertThat(keys.rename(b("h"), b("h2"), false)).isEqualTo(Status.OK);
            // Another thread reads committed state only.
            String seenElsewhere = CompletableFuture.supplyAsync(() -> get("n")).join();
            assertThat(seenElsewhere).isEqualTo("1");
        });
        assertThat(get("n")).isEqualTo("3");
        assertThat(new String(hashes.get(b("h2"), b("f")).value())).isEqualTo("v");
        assertThat(keys.type(b("h"))).isNull();
        assertThat(keys.size()).isEqualTo(2);
    }

    @Test
    void aFaultHalfwayLeavesNothingBehind() {
        strings.set(b("a"), b("old"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        assertThatThrownBy(() -> keys.runTransaction(() -> {
            strings.set(b("a"), b("new"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
            strings.set(b("b"), b("new"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
            throw new IllegalStateException("fault between two queued writes");
        })).hasMessageContaining("fault");
        assertThat(get("a")).isEqualTo("old");
        assertThat(get("b")).isNull();
        assertThat(keys.size()).isEqualTo(1);
        assertThat(tmp.storage.inTransaction()).isFalse();
    }
}
