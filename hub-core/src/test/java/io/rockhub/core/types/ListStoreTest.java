package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListStoreTest {
    private TempStorage tmp;
    private Keyspace keys;
    private ListStore lists;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage();
        keys = new Keyspace(tmp.storage, new ManualClock(1_700_000_000_000L), 1 << 20);
        lists = new ListStore(keys);
    }

    @AfterEach
    void close() throws Exception {
        tmp.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> items(String... s) {
        List<byte[]> out = new ArrayList<>();
        for (String x : s) {
            out.add(b(x));
        }
        return out;
    }

    private List<String> all(String key) {
        return lists.range(b(key), 0, -1).value().stream().map(String::new).toList();
    }

    @Test
    void bothEndsGrowAndShrinkInO1() {
        assertThat(lists.push(b("q"), items("b", "c"), false, false).value()).isEqualTo(2);
        assertThat(lists.push(b("q"), items("a"), true, false).value()).isEqualTo(3);
        assertThat(all("q")).containsExactly("a", "b", "c");
        assertThat(new String(lists.index(b("q"), -1).value())).isEqualTo("c");
        assertThat(lists.pop(b("q"), 2, true).value()).extracting(String::new).containsExactly("a", "b");
        assertThat(lists.pop(b("q"), 5, false).value()).extracting(String::new).containsExactly("c");
        assertThat(keys.type(b("q"))).isNull();
        assertThat(tmp.count(ColumnFamily.SUBKEY)).isZero();
        assertThat(lists.pop(b("q"), 1, true).status()).isEqualTo(Status.NOT_FOUND);
    }

    @Test
    void insertRemoveAndTrimRewriteConsistently() {
        lists.push(b("l"), items("a", "b", "a", "c", "a"), false, false);
        assertThat(lists.insert(b("l"), true, b("c"), b("X")).value()).isEqualTo(6);
        assertThat(lists.remove(b("l"), -2, b("a")).value()).isEqualTo(2);
        assertThat(all("l")).containsExactly("a", "b", "X", "c");
        assertThat(lists.trim(b("l"), 1, 2)).isEqualTo(Status.OK);
        assertThat(all("l")).containsExactly("b", "X");
        assertThat(lists.length(b("l")).value()).isEqualTo(2);
        assertThat(tmp.count(ColumnFamily.SUBKEY)).isEqualTo(2);
    }

    @Test
    void bigTrimKeepsTheTailAndFreesTheRest() {
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            many.add(b("event-" + i));
        }
        lists.push(b("log"), many, false, false);
        lists.trim(b("log"), -100, -1);
        assertThat(lists.length(b("log")).value()).isEqualTo(100);
        assertThat(new String(lists.index(b("log"), 0).value())).isEqualTo("event-4900");
        assertThat(tmp.count(ColumnFamily.SUBKEY)).isEqualTo(100);
    }

    @Test
    void moveRotatesOrTransfers() {
        lists.push(b("src"), items("a", "b", "c"), false, false);
        assertThat(new String(lists.move(b("src"), b("src"), true, false).value())).isEqualTo("a");
        assertThat(all("src")).containsExactly("b", "c", "a");
        assertThat(new String(lists.move(b("src"), b("dst"), false, true).value())).isEqualTo("a");
        assertThat(all("dst")).containsExactly("a");
        assertThat(lists.move(b("none"), b("dst"), true, true).value()).isNull();
        assertThat(keys.size()).isEqualTo(2);
    }
}
