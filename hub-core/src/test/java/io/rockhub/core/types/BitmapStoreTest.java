package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.StoredKey;
import io.rockhub.core.encoding.StringChunks;
import io.rockhub.core.expire.ExpirySweeper;
import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksIterator;

/**
 * Large strings live in 4 KB chunks: a bit or range write rewrites the chunk it touches, a sparse
 * bitmap stores only the chunks that hold a set bit, and every read sees the same bytes a whole
 * value would have (checked against a plain byte array model).
 */
class BitmapStoreTest {
    private TempStorage tmp;
    private Keyspace keys;
    private StringStore strings;
    private BitmapStore bitmaps;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage();
        keys = new Keyspace(tmp.storage, new ManualClock(1_700_000_000_000L));
        strings = new StringStore(keys);
        bitmaps = new BitmapStore(keys, strings.values());
    }

    @AfterEach
    void close() throws Exception {
        tmp.close();
    }

    private static byte[] k(String s) {
        return StoredKey.of(0, s.getBytes(StandardCharsets.UTF_8));
    }

    /** Every chunk record, as "index=hex", in order. */
    private List<String> chunks() {
        List<String> out = new ArrayList<>();
        try (RocksIterator it = tmp.storage.iterator(ColumnFamily.SUBKEY)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] sub = io.rockhub.core.encoding.InternalKey.subkey(it.key());
                out.add(StringChunks.index(sub) + "=" + HexFormat.of().formatHex(it.value()));
            }
        }
        return out;
    }

    @Test
    void aBitFourBillionBitsInIsOneChunkAndCountsWithoutReadingTheGap() {
        assertThat(bitmaps.setBit(k("dau"), 4_294_967_295L, true).value()).isZero();
        assertThat(keys.live(k("dau")).type()).isEqualTo(DataType.STRING_CHUNKS);
        assertThat(strings.strlen(k("dau")).value()).isEqualTo(536_870_912L);
        assertThat(chunks()).hasSize(1);
        assertThat(bitmaps.bitCount(k("dau"), null).value()).isEqualTo(1);
        assertThat(bitmaps.bitPos(k("dau"), true, null).value()).isEqualTo(4_294_967_295L);
        assertThat(bitmaps.bitPos(k("dau"), false, null).value()).isZero();
        assertThat(bitmaps.getBit(k("dau"), 4_294_967_295L).value()).isEqualTo(1);
        assertThat(bitmaps.setBit(k("dau"), 4_294_967_295L, false).value()).isEqualTo(1);
        assertThat(chunks()).as("a chunk cleared to zeros is deleted").isEmpty();
        assertThat(strings.strlen(k("dau")).value()).isEqualTo(536_870_912L);
    }

    @Test
    void aWriteIntoALargeStringRewritesOnlyTheChunkItTouches() {
        byte[] big = new byte[1 << 20];
        new Random(1).nextBytes(big);
        strings.setRange(k("blob"), 0, big, Long.MAX_VALUE);
        List<String> before = chunks();
        assertThat(before).hasSize(256);
        strings.setRange(k("blob"), 10_000, "patch".getBytes(StandardCharsets.US_ASCII), Long.MAX_VALUE);
        List<String> after = chunks();
        int changed = 0;
        for (int i = 0; i < before.size(); i++) {
            changed += before.get(i).equals(after.get(i)) ? 0 : 1;
        }
        assertThat(changed).isEqualTo(1);
        System.arraycopy("patch".getBytes(StandardCharsets.US_ASCII), 0, big, 10_000, 5);
        assertThat(strings.get(k("blob")).value()).isEqualTo(big);
        assertThat(strings.getRange(k("blob"), 4090, 4100).value()).isEqualTo(Arrays.copyOfRange(big, 4090, 4101));
    }

    @Test
    void appendsToALogStringTouchOnlyItsTail() {
        byte[] line = "0123456789abcdef".repeat(64).getBytes(StandardCharsets.US_ASCII); // 1 KB
        java.io.ByteArrayOutputStream model = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 40; i++) {
            strings.append(k("log"), line, Long.MAX_VALUE);
            model.writeBytes(line);
        }
        assertThat(keys.live(k("log")).type()).isEqualTo(DataType.STRING_CHUNKS);
        assertThat(chunks()).hasSize(10);
        assertThat(strings.get(k("log")).value()).isEqualTo(model.toByteArray());
    }

    @Test
    void randomBitAndRangeWritesReadBackAsAByteArrayWould() {
        Random r = new Random(7);
        byte[] model = new byte[0];
        for (int i = 0; i < 2_000; i++) {
            long bit = r.nextInt(3) == 0 ? r.nextInt(200_000) : r.nextInt(40_000);
            switch (r.nextInt(4)) {
                case 0 -> {
                    boolean on = r.nextBoolean();
                    int at = (int) (bit >>> 3);
                    if (model.length <= at) {
                        model = Arrays.copyOf(model, at + 1);
                    }
                    int mask = 1 << (7 - (int) (bit & 7));
                    long old = (model[at] & mask) != 0 ? 1 : 0;
                    model[at] = (byte) (on ? model[at] | mask : model[at] & ~mask);
                    assertThat(bitmaps.setBit(k("m"), bit, on).value()).isEqualTo(old);
                }
                case 1 -> {
                    byte[] patch = new byte[r.nextInt(9000)];
                    r.nextBytes(patch);
                    int at = (int) (bit >>> 3);
                    if (patch.length > 0 && model.length < at + patch.length) {
                        model = Arrays.copyOf(model, at + patch.length);
                    }
                    System.arraycopy(patch, 0, model, at, patch.length);
                    strings.setRange(k("m"), at, patch, Long.MAX_VALUE);
                }
                case 2 -> {
                    long start = r.nextInt(30_000) - 15_000;
                    long end = r.nextInt(30_000) - 15_000;
                    assertThat(bitmaps.bitCount(k("m"), new BitmapStore.Range(start, end, false, true)).value())
                            .isEqualTo(count(model, start, end));
                }
                default -> assertThat(bitmaps.getBit(k("m"), bit).value())
                        .isEqualTo(bit >>> 3 < model.length && (model[(int) (bit >>> 3)] & (1 << (7 - (int) (bit & 7)))) != 0 ? 1L : 0L);
            }
        }
        assertThat(strings.get(k("m")).value()).isEqualTo(model);
    }

    private static long count(byte[] v, long start, long end) {
        long len = v.length;
        if (start < 0 && end < 0 && start > end) {
            return 0;
        }
        start = start < 0 ? Math.max(0, len + start) : start;
        end = Math.min(end < 0 ? Math.max(0, len + end) : end, len - 1);
        long n = 0;
        for (long i = start; i <= end; i++) {
            n += Integer.bitCount(v[(int) i] & 0xff);
        }
        return n;
    }

    @Test
    void aReplacedChunkedStringIsReclaimedBySweeper() throws Exception {
        bitmaps.setBit(k("b"), 100_000, true);
        strings.set(k("b"), "small".getBytes(StandardCharsets.US_ASCII), StringStore.Condition.ALWAYS, ExpiryChange.CLEAR, false);
        assertThat(keys.live(k("b")).type()).isEqualTo(DataType.STRING);
        assertThat(tmp.count(ColumnFamily.GARBAGE)).isEqualTo(1);
        try (ExpirySweeper sweeper = new ExpirySweeper(keys, 1000, Long.MAX_VALUE)) {
            sweeper.runOnce();
        }
        assertThat(chunks()).isEmpty();
        assertThat(tmp.count(ColumnFamily.GARBAGE)).isZero();
    }

    @Test
    void aCopyOfAChunkedStringIsIndependent() {
        bitmaps.setBit(k("a"), 50_000, true);
        assertThat(keys.copy(k("a"), k("c"), false)).isEqualTo(Status.OK);
        bitmaps.setBit(k("a"), 50_000, false);
        assertThat(bitmaps.getBit(k("c"), 50_000).value()).isEqualTo(1);
        assertThat(bitmaps.bitCount(k("a"), null).value()).isZero();
    }
}
