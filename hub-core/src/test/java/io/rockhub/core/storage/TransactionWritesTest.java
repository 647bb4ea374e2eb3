package io.rockhub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.Counters;
import io.rockhub.core.encoding.StoredKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What a transaction (a pipelined burst, EXEC, a script) writes at its commit: the last write of
 * each entry once, and one merge operand per counter, with the same effect as every write in order.
 * The active memtable's entry count (puts, deletions and merge operands alike) tells how many
 * entries reached RocksDB.
 */
class TransactionWritesTest {

    @Test
    void anEntryWrittenSeveralTimesInATransactionIsWrittenOnceWithItsLastValue() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            put(s, "before", "old");
            long entries = active(s, ColumnFamily.SUBKEY);

            Transaction tx = s.beginTransaction(true);
            write(s, b -> b.put(ColumnFamily.SUBKEY, bytes("a"), bytes("1")));
            write(s, b -> b.put(ColumnFamily.SUBKEY, bytes("a"), bytes("2")));
            assertThat(s.get(ColumnFamily.SUBKEY, bytes("a"))).as("read through the transaction").isEqualTo(bytes("2"));
            write(s, b -> b.delete(ColumnFamily.SUBKEY, bytes("before")));
            write(s, b -> b.put(ColumnFamily.SUBKEY, bytes("before"), bytes("new")));
            write(s, b -> b.put(ColumnFamily.SUBKEY, bytes("gone"), bytes("x")));
            write(s, b -> b.delete(ColumnFamily.SUBKEY, bytes("gone")));
            s.commitTransaction(tx);

            assertThat(s.get(ColumnFamily.SUBKEY, bytes("a"))).isEqualTo(bytes("2"));
            assertThat(s.get(ColumnFamily.SUBKEY, bytes("before"))).isEqualTo(bytes("new"));
            assertThat(s.get(ColumnFamily.SUBKEY, bytes("gone"))).isNull();
            assertThat(active(s, ColumnFamily.SUBKEY) - entries).as("a, before and gone once each").isEqualTo(3);
        }
    }

    @Test
    void aValueChangedByItsWriterAfterThePutIsWrittenAsItWasPut() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            Transaction tx = s.beginTransaction(true);
            byte[] value = bytes("first");
            write(s, b -> b.put(ColumnFamily.SUBKEY, bytes("k"), value));
            write(s, b -> b.put(ColumnFamily.SUBKEY, bytes("k"), value));
            value[0] = 'F';
            s.commitTransaction(tx);
            assertThat(s.get(ColumnFamily.SUBKEY, bytes("k"))).isEqualTo(bytes("first"));
        }
    }

    @Test
    void theSameKeyInTwoFamiliesIsTwoEntries() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            Transaction tx = s.beginTransaction(true);
            write(s, b -> b.put(ColumnFamily.SUBKEY, bytes("k"), bytes("s1")));
            write(s, b -> b.put(ColumnFamily.STREAM, bytes("k"), bytes("t")));
            write(s, b -> b.put(ColumnFamily.SUBKEY, bytes("k"), bytes("s2")));
            s.commitTransaction(tx);
            assertThat(s.get(ColumnFamily.SUBKEY, bytes("k"))).isEqualTo(bytes("s2"));
            assertThat(s.get(ColumnFamily.STREAM, bytes("k"))).isEqualTo(bytes("t"));
        }
    }

    @Test
    void keysCountedByManyCommandsOfABurstAreOneMergeOperand() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            long entries = active(s, ColumnFamily.DEFAULT);
            Transaction tx = s.beginTransaction(false);
            for (int i = 0; i < 5; i++) {
                byte[] key = StoredKey.of(0, bytes("k" + i));
                write(s, b -> {
                    b.put(ColumnFamily.METADATA, key, bytes("v"));
                    b.countKeys(key, 1);
                });
            }
            assertThat(s.counter(Counters.KEYS)).as("seen inside the transaction").isEqualTo(5);
            s.commitTransaction(tx);
            assertThat(s.counter(Counters.KEYS)).isEqualTo(5);
            assertThat(active(s, ColumnFamily.DEFAULT) - entries).isEqualTo(1);
        }
    }

    @Test
    void aKeyCreatedAndRemovedInOneTransactionLeavesTheCounterAlone() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            long entries = active(s, ColumnFamily.DEFAULT);
            byte[] key = StoredKey.of(0, bytes("k"));
            Transaction tx = s.beginTransaction(true);
            write(s, b -> {
                b.put(ColumnFamily.METADATA, key, bytes("v"));
                b.countKeys(key, 1);
            });
            write(s, b -> {
                b.delete(ColumnFamily.METADATA, key);
                b.countKeys(key, -1);
            });
            s.commitTransaction(tx);
            assertThat(s.counter(Counters.KEYS)).isZero();
            assertThat(active(s, ColumnFamily.DEFAULT)).isEqualTo(entries);
            assertThat(s.get(ColumnFamily.METADATA, key)).isNull();
        }
    }

    @Test
    void anAbortedTransactionWritesNothing() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            Transaction tx = s.beginTransaction(true);
            write(s, b -> b.put(ColumnFamily.SUBKEY, bytes("k"), bytes("1")));
            write(s, b -> b.put(ColumnFamily.SUBKEY, bytes("k"), bytes("2")));
            s.abortTransaction(tx);
            assertThat(s.get(ColumnFamily.SUBKEY, bytes("k"))).isNull();
            assertThat(active(s, ColumnFamily.SUBKEY)).isZero();
        }
    }

    private static void put(Storage s, String key, String value) {
        write(s, b -> b.put(ColumnFamily.SUBKEY, bytes(key), bytes(value)));
    }

    private static void write(Storage s, java.util.function.Consumer<Batch> change) {
        try (Batch b = s.newBatch()) {
            change.accept(b);
            s.commit(b);
        }
    }

    private static long active(Storage s, ColumnFamily cf) {
        return s.longProperty(cf, "rocksdb.num-entries-active-mem-table");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
