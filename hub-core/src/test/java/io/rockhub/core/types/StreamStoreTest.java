package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.expire.ExpirySweeper;
import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import io.rockhub.core.types.StreamStore.IdSpec;
import io.rockhub.core.types.StreamStore.Trim;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamStoreTest {
    private TempStorage tmp;
    private ManualClock clock;
    private Keyspace keys;
    private StreamStore streams;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage();
        clock = new ManualClock(1_700_000_000_000L);
        keys = new Keyspace(tmp.storage, clock, 1 << 20);
        streams = new StreamStore(keys);
    }

    @AfterEach
    void close() throws Exception {
        tmp.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private StreamId add(String key) {
        return streams.add(b(key), false, IdSpec.generated(), List.of(b("amount"), b("42")), null).value();
    }

    @Test
    void generatedIdsFollowTheClockAndNeverGoBack() {
        assertThat(add("payments")).isEqualTo(new StreamId(clock.millis(), 0));
        assertThat(add("payments")).isEqualTo(new StreamId(clock.millis(), 1));
        clock.advance(-5000); // a clock step back must not produce a smaller id
        assertThat(add("payments")).isEqualTo(new StreamId(clock.millis() + 5000, 2));
        clock.advance(10_000);
        assertThat(add("payments")).isEqualTo(new StreamId(clock.millis(), 0));
        assertThat(streams.length(b("payments")).value()).isEqualTo(4);
    }

    @Test
    void approximateTrimDropsWholeNodesOnly() {
        for (int i = 0; i < 250; i++) {
            add("events");
        }
        Trim approx = new Trim(true, 120, null, true, 0);
        assertThat(streams.trim(b("events"), approx).value()).isEqualTo(100);
        assertThat(streams.length(b("events")).value()).isEqualTo(150);
        Trim exact = new Trim(true, 120, null, false, 0);
        assertThat(streams.trim(b("events"), exact).value()).isEqualTo(30);
        assertThat(tmp.count(ColumnFamily.STREAM)).isEqualTo(120);
    }

    @Test
    void aStreamOutlivesItsLastEntryAndDeletingItReclaimsEntries() {
        StreamId id = add("s");
        assertThat(streams.delete(b("s"), List.of(id)).value()).isEqualTo(1);
        assertThat(keys.type(b("s"))).isNotNull();
        assertThat(streams.length(b("s")).value()).isZero();
        StreamId next = add("s");
        assertThat(next.compareTo(id)).isPositive();
        for (int i = 0; i < 10; i++) {
            add("s");
        }
        keys.delete(List.of(b("s")));
        try (ExpirySweeper sweeper = new ExpirySweeper(keys, 100, Long.MAX_VALUE)) {
            sweeper.runOnce();
        }
        assertThat(tmp.count(ColumnFamily.STREAM)).isZero();
    }

    @Test
    void rangesInBothDirections() {
        for (int i = 1; i <= 5; i++) {
            streams.add(b("r"), false, IdSpec.of(new StreamId(i, 0)), List.of(b("n"), b(Integer.toString(i))), null);
        }
        assertThat(streams.range(b("r"), new StreamId(2, 0), new StreamId(4, -1), 10, false).value())
                .extracting(e -> e.id().ms()).containsExactly(2L, 3L, 4L);
        assertThat(streams.range(b("r"), StreamId.MIN, StreamId.MAX, 2, true).value())
                .extracting(e -> e.id().ms()).containsExactly(5L, 4L);
    }
}
