package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.core.encoding.ColumnFamily;
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

    // A savepoint (a script that joined a client's pipelined burst): going back to it drops what was
    // written since, and only that, with everything kept beside the batch (the last write of each
    // entry, the metadata the transaction set, the key counters); releasing it keeps everything.

    @Test
    void goingBackToTheSavepointDropsOnlyWhatWasWrittenSince() {
        strings.set(b("committed"), b("c"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        strings.set(b("doomed"), b("d"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        keys.beginTransaction();
        strings.set(b("n"), b("1"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        strings.incrBy(b("n"), 1); // the entry repeats before the savepoint
        hashes.set(b("h"), List.of(b("f"), b("v")), false);
        keys.savepoint();
        strings.incrBy(b("n"), 40);
        strings.set(b("new"), b("x"), Condition.ALWAYS, ExpiryChange.at(1_700_000_060_000L), false);
        hashes.set(b("h"), List.of(b("g"), b("w")), false);
        keys.delete(List.of(b("doomed")));
        assertThat(get("n")).as("read through the transaction").isEqualTo("42");
        keys.rollbackToSavepoint();
        assertThat(get("n")).isEqualTo("2");
        assertThat(get("new")).isNull();
        assertThat(get("doomed")).isEqualTo("d");
        assertThat(hashes.length(b("h")).value()).isEqualTo(1);
        strings.incrBy(b("n"), 1); // the transaction goes on after it
        keys.endTransaction(true);

        assertThat(get("n")).isEqualTo("3");
        assertThat(get("new")).isNull();
        assertThat(get("doomed")).isEqualTo("d");
        assertThat(get("committed")).isEqualTo("c");
        assertThat(hashes.all(b("h")).value()).as("f alone: g came after the savepoint").hasSize(1);
        assertThat(keys.size()).as("committed, doomed, n, h").isEqualTo(4);
        assertThat(keys.expiresCount()).isZero();
        assertThat(tmp.count(ColumnFamily.EXPIRE)).isZero();
        // What this keyspace's metadata cache answers agrees with RocksDB, read with a cache of its own.
        Keyspace fresh = new Keyspace(tmp.storage, new ManualClock(1_700_000_000_000L), 1 << 20);
        assertThat(new String(new StringStore(fresh).get(b("n")).value(), StandardCharsets.UTF_8)).isEqualTo("3");
        assertThat(fresh.live(b("new"))).isNull();
        assertThat(fresh.live(b("doomed"))).isNotNull();
    }

    @Test
    void releasingTheSavepointKeepsEverything() {
        keys.beginTransaction();
        strings.set(b("a"), b("1"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        keys.savepoint();
        strings.set(b("b"), b("2"), Condition.ALWAYS, ExpiryChange.at(1_700_000_060_000L), false);
        strings.incrBy(b("a"), 1);
        keys.releaseSavepoint();
        keys.savepoint(); // one at a time: a second one once the first is gone
        strings.set(b("c"), b("3"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        keys.rollbackToSavepoint();
        keys.endTransaction(true);
        assertThat(get("a")).isEqualTo("2");
        assertThat(get("b")).isEqualTo("2");
        assertThat(get("c")).isNull();
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.expiresCount()).isEqualTo(1);
    }
}
