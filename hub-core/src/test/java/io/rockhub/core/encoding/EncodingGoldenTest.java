package io.rockhub.core.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Freezes every persisted byte layout. If one of these fails, existing data directories would be
 * misread: add a new code or layout instead of changing one.
 */
class EncodingGoldenTest {
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static final byte[] USER_KEY = "user:1".getBytes(StandardCharsets.US_ASCII);
    /** "user:1" in database namespace 3. */
    private static final byte[] KEY = StoredKey.of(3, USER_KEY);

    @Test
    void dataTypeCodesAreFrozen() {
        assertThat(DataType.STRING.code()).isEqualTo(1);
        assertThat(DataType.HASH.code()).isEqualTo(2);
        assertThat(DataType.LIST.code()).isEqualTo(3);
        assertThat(DataType.SET.code()).isEqualTo(4);
        assertThat(DataType.ZSET.code()).isEqualTo(5);
        assertThat(DataType.STREAM.code()).isEqualTo(6);
        assertThat(DataType.STRING_CHUNKS.code()).isEqualTo(7);
        assertThat(DataType.STRING_CHUNKS.redisName()).isEqualTo("string");
    }

    @Test
    void columnFamilyNamesAreFrozen() {
        assertThat(ColumnFamily.values()).extracting(ColumnFamily::cfName)
                .containsExactly("default", "metadata", "subkey", "expire", "garbage", "zset_score", "stream");
    }

    @Test
    void stringMetadataLayout() {
        Metadata m = Metadata.string("hi".getBytes(StandardCharsets.US_ASCII), 0x0102030405060708L);
        assertThat(hex(m.encode())).isEqualTo("01" + "0102030405060708" + "6869");
        assertThat(Metadata.decode(m.encode())).isEqualTo(m);
    }

    @Test
    void collectionMetadataLayout() {
        Metadata m = Metadata.collection(DataType.HASH, 0, 0x1122334455667788L, 3);
        assertThat(hex(m.encode())).isEqualTo("02" + "0000000000000000" + "1122334455667788" + "0000000000000003");
        assertThat(Metadata.decode(m.encode())).isEqualTo(m);
    }

    @Test
    void aSmallHashKeepsItsFieldsInItsMetadataRecord() {
        java.util.List<byte[]> fv = java.util.List.of(b("a"), b("1"), b("bc"), b(""));
        assertThat(hex(InlineEntries.encode(fv))).isEqualTo("01" + "61" + "01" + "31" + "02" + "6263" + "00");
        assertThat(InlineEntries.decode(InlineEntries.encode(fv))).containsExactlyElementsOf(fv);
        Metadata m = Metadata.collection(DataType.HASH, 0, 7, 2).withValue(InlineEntries.encode(fv));
        assertThat(hex(m.encode())).isEqualTo("02" + "0000000000000000" + "0000000000000007" + "0000000000000002"
                + "0161013102626300");
        assertThat(Metadata.decode(m.encode())).isEqualTo(m);
        assertThat(Metadata.decode(m.encode()).inlineEntries()).isTrue();
        assertThat(Metadata.decode(Metadata.collection(DataType.HASH, 0, 7, 2).encode()).inlineEntries()).isFalse();
        // A sorted set's: its members with their exact scores.
        Metadata z = Metadata.collection(DataType.ZSET, 0, 7, 1).withValue(InlineEntries.encode(java.util.List.of(b("m"), ScoreCodec.exact(1.5))));
        assertThat(hex(z.encode())).isEqualTo("05" + "0000000000000000" + "0000000000000007" + "0000000000000001"
                + "01" + "6d" + "08" + "3ff8000000000000");
        assertThat(Metadata.decode(z.encode())).isEqualTo(z);
        assertThat(Metadata.decode(z.encode()).inlineEntries()).isTrue();
        assertThat(InlineEntries.fits(java.util.List.of(b("f"), new byte[InlineEntries.MAX_BYTES]))).isTrue();
        assertThat(InlineEntries.fits(java.util.List.of(b("f"), new byte[InlineEntries.MAX_BYTES + 1]))).isFalse();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void listMetadataCarriesItsIndexRange() {
        Metadata m = Metadata.collection(DataType.LIST, 0, 5, 0).withBounds(Metadata.LIST_ORIGIN - 1, Metadata.LIST_ORIGIN + 2);
        assertThat(hex(m.encode())).isEqualTo("03" + "0000000000000000" + "0000000000000005" + "0000000000000003"
                + "3fffffffffffffff" + "4000000000000002");
        assertThat(Metadata.decode(m.encode())).isEqualTo(m);
    }

    @Test
    void expireIndexKeyOrdersByDeadlineThenKey() {
        byte[] k = new ExpireKey(1000, KEY).encode();
        assertThat(hex(k)).isEqualTo("00000000000003e8" + hex(KEY));
        assertThat(ExpireKey.decode(k)).isEqualTo(new ExpireKey(1000, KEY));
        assertThat(java.util.Arrays.compareUnsigned(new ExpireKey(999, "z".getBytes()).encode(), k)).isNegative();
    }

    @Test
    void expireIndexEntriesFallOnWholeSecondsAtOrAfterTheDeadline() {
        assertThat(hex(ExpireKey.of(1_700_000_000_001L, KEY).encode())).isEqualTo("0000018bcfe56be8" + hex(KEY));
        assertThat(ExpireKey.sweepAt(1_700_000_000_000L)).isEqualTo(1_700_000_000_000L);
        assertThat(ExpireKey.sweepAt(1_700_000_000_999L)).isEqualTo(1_700_000_001_000L);
        assertThat(ExpireKey.sweepAt(1_700_000_001_000L)).isEqualTo(1_700_000_001_000L);
        assertThat(ExpireKey.sweepAt(1)).isEqualTo(1000);
    }

    @Test
    void storedKeyIsTheNamespaceThenTheUserKey() {
        assertThat(hex(KEY)).isEqualTo("03" + hex(USER_KEY));
        assertThat(StoredKey.user(KEY)).isEqualTo(USER_KEY);
        assertThat(StoredKey.namespace(KEY)).isEqualTo(3);
        assertThat(StoredKey.prefixLength(KEY)).isEqualTo(1);
        assertThat(hex(StoredKey.namespaceStart(3))).isEqualTo("03");
        assertThat(hex(StoredKey.namespaceEnd(3))).isEqualTo("04");
        // Reserved for cluster mode: [0x80][u16 slot][user key].
        byte[] slotted = {(byte) 0x80, 0x2b, 0x32, 'k'};
        assertThat(StoredKey.prefixLength(slotted)).isEqualTo(3);
        assertThat(StoredKey.user(slotted)).containsExactly('k');
    }

    @Test
    void inClusterModeTheHashSlotFollowsTheNamespace() {
        // somekey: slot 11058 = 0x2b32; foo{hash_tag}: slot 2515 = 0x09d3 (Redis's own vectors).
        byte[] k = StoredKey.of(StoredKey.CLUSTER, "somekey".getBytes(StandardCharsets.US_ASCII));
        assertThat(hex(k)).isEqualTo("80" + "2b32" + hex("somekey".getBytes(StandardCharsets.US_ASCII)));
        assertThat(StoredKey.slot(k)).isEqualTo(11058);
        assertThat(StoredKey.namespace(k)).isEqualTo(0x80);
        assertThat(StoredKey.user(k)).isEqualTo("somekey".getBytes(StandardCharsets.US_ASCII));
        byte[] tagged = StoredKey.of(StoredKey.CLUSTER, "foo{hash_tag}".getBytes(StandardCharsets.US_ASCII));
        assertThat(hex(tagged)).startsWith("8009d3");
        assertThat(StoredKey.slot(KEY)).isEqualTo(-1);
        assertThat(hex(StoredKey.slotStart(11058))).isEqualTo("802b32");
        assertThat(hex(StoredKey.slotEnd(11058))).isEqualTo("802b33");
        assertThat(hex(StoredKey.slotEnd(16383))).isEqualTo("804000");
        assertThat(java.util.Arrays.compareUnsigned(StoredKey.slotEnd(16383), StoredKey.namespaceEnd(StoredKey.CLUSTER)))
                .isNegative();
        // A slot's subkeys are one range too: the slot leads them.
        assertThat(hex(InternalKey.prefix(k, 1))).isEqualTo("802b32" + "00000007" + hex("somekey".getBytes(StandardCharsets.US_ASCII))
                + "0000000000000001");
        assertThat(hex(StoredKey.scanPrefix(StoredKey.CLUSTER, new byte[] {'a'}))).isEqualTo("80");
        assertThat(hex(StoredKey.scanPrefix(3, new byte[] {'a'}))).isEqualTo("0361");
    }

    @Test
    void subkeyLayoutHasNamespaceLengthPrefixAndVersion() {
        byte[] k = InternalKey.encode(KEY, 7, "f".getBytes(StandardCharsets.US_ASCII));
        assertThat(hex(k)).isEqualTo("03" + "00000006" + hex(USER_KEY) + "0000000000000007" + "66");
        assertThat(InternalKey.subkey(k)).containsExactly('f');
        assertThat(hex(InternalKey.prefix(KEY, 7))).isEqualTo("03" + "00000006" + hex(USER_KEY) + "0000000000000007");
        byte[] slotted = {(byte) 0x80, 0x2b, 0x32, 'k'};
        assertThat(hex(InternalKey.prefix(slotted, 1))).isEqualTo("802b32" + "00000001" + "6b" + "0000000000000001");
    }

    /** Bytes Redis 7.0.15 wrote for {@code PFADD g a b c}, then after {@code PFCOUNT g} cached 3. */
    @Test
    void hyperLogLogBytesAreRedisBytes() {
        assertThat(hex(HyperLogLog.empty().bytes())).isEqualTo("48594c4c" + "01" + "000000" + "0000000000000000" + "7fff");
        HyperLogLog h = HyperLogLog.empty();
        for (String e : new String[] {"a", "b", "c"}) {
            h.add(e.getBytes(StandardCharsets.US_ASCII), 3000);
        }
        h.invalidateCache();
        assertThat(hex(h.bytes())).isEqualTo("48594c4c01000000000000000000008060f38050b1844bfb80425a");
        assertThat(h.count()).isEqualTo(3);
        h.cache(3);
        assertThat(hex(h.bytes())).isEqualTo("48594c4c01000000030000000000000060f38050b1844bfb80425a");
        HyperLogLog back = HyperLogLog.parse(h.bytes());
        assertThat(back.cacheValid()).isTrue();
        assertThat(back.cached()).isEqualTo(3);
        assertThat(back.toDense()).isTrue();
        assertThat(back.bytes()).hasSize(HyperLogLog.DENSE_SIZE);
        assertThat(back.count()).isEqualTo(3);
        assertThat(HyperLogLog.parse("HYLL".getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    /** Values Redis 7.0.15 gives for GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania. */
    @Test
    void geoScoresAreRedisGeohashes() {
        long palermo = GeoHash.align52(GeoHash.encodeWgs84(13.361389, 38.115556, GeoHash.STEP_MAX));
        long catania = GeoHash.align52(GeoHash.encodeWgs84(15.087269, 37.502669, GeoHash.STEP_MAX));
        assertThat(palermo).isEqualTo(3479099956230698L);
        assertThat(catania).isEqualTo(3479447370796909L);
        assertThat(GeoHash.standard(palermo)).isEqualTo("sqc8b49rny0");
        assertThat(GeoHash.standard(catania)).isEqualTo("sqdtr74hyu0");
        double[] xy = GeoHash.decodeScore(palermo);
        assertThat(io.rockhub.core.util.Numbers.humanDecimal(new java.math.BigDecimal(xy[0]))).isEqualTo("13.36138933897018433");
        assertThat(io.rockhub.core.util.Numbers.humanDecimal(new java.math.BigDecimal(xy[1]))).isEqualTo("38.11555639549629859");
        double[] other = GeoHash.decodeScore(catania);
        assertThat(new java.math.BigDecimal(GeoHash.distance(xy[0], xy[1], other[0], other[1]))
                .setScale(4, java.math.RoundingMode.HALF_EVEN).toPlainString()).isEqualTo("166274.1516");
        assertThat(GeoHash.encodeWgs84(0, 86, 26)).as("outside Web Mercator's latitudes").isNull();
    }

    /** Payloads Redis 7.0.15's DUMP produced: a string, a listpack hash, an intset set. */
    @Test
    void dumpPayloadsAreRedisPayloads() {
        assertThat(Long.toHexString(RdbPayload.Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("e9c6d914c4b8d9ca");
        byte[] hello = java.util.HexFormat.of().parseHex("000568656c6c6f0a006372df766534200a");
        assertThat(RdbPayload.dump(new RdbPayload.StringValue("hello".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(hello);
        assertThat(((RdbPayload.StringValue) RdbPayload.restore(hello).value()).value()).isEqualTo("hello".getBytes());
        var hash = (RdbPayload.HashValue) RdbPayload.restore(java.util.HexFormat.of().parseHex(
                "101414000000040081660201018167028362617204ff0a0079d26e5c2fad2589")).value();
        assertThat(hash.fieldsAndValues()).extracting(String::new).containsExactly("f", "1", "g", "bar");
        var set = (RdbPayload.SetValue) RdbPayload.restore(java.util.HexFormat.of().parseHex(
                "0b0e0200000003000000010002002c010a00e510b28e7b9529aa")).value();
        assertThat(set.members()).extracting(String::new).containsExactly("1", "2", "300");
        assertThat(RdbPayload.restore(hello.clone()).error()).isNull();
        // The listpack inside that hash payload, written by RockHub's listpack writer.
        assertThat(hex(new RdbPayload.Listpack().string("f".getBytes()).integer(1).string("g".getBytes())
                .string("bar".getBytes()).bytes())).isEqualTo("140000000400816602010181670283626172" + "04ff");
        // A payload that claims a 2 GB LZF string is refused, not allocated.
        byte[] lie = {0, (byte) 0xc3, 0x02, (byte) 0x80, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x00, 0x00};
        byte[] withTrailer = java.util.Arrays.copyOf(lie, lie.length + 10);
        withTrailer[lie.length] = 10;
        long crc = RdbPayload.Crc64.of(java.util.Arrays.copyOf(withTrailer, lie.length + 2));
        for (int k = 0; k < 8; k++) {
            withTrailer[lie.length + 2 + k] = (byte) (crc >>> (8 * k));
        }
        assertThat(RdbPayload.restore(withTrailer).error()).isEqualTo("ERR Bad data format");
        byte[] damaged = hello.clone();
        damaged[2] ^= 1;
        assertThat(RdbPayload.restore(damaged).error()).isEqualTo("ERR DUMP payload version or checksum are wrong");
    }

    @Test
    void chunkedStringLayout() {
        Metadata m = Metadata.collection(DataType.STRING_CHUNKS, 0, 9, 100_000);
        assertThat(hex(m.encode())).isEqualTo("07" + "0000000000000000" + "0000000000000009" + "00000000000186a0");
        assertThat(Metadata.decode(m.encode())).isEqualTo(m);
        assertThat(StringChunks.SIZE).isEqualTo(4096);
        assertThat(hex(InternalKey.encode(KEY, 9, StringChunks.sub(24))))
                .isEqualTo("03" + "00000006" + hex(USER_KEY) + "0000000000000009" + "00000018");
        assertThat(StringChunks.index(StringChunks.sub(0xfffffffFL))).isEqualTo(0xffffffffL);
    }

    @Test
    void aDatabaseIsOneRangeOfEveryKeyedFamily() {
        byte[] start = StoredKey.namespaceStart(3);
        byte[] end = StoredKey.namespaceEnd(3);
        for (byte[] k : new byte[][] {KEY, InternalKey.encode(KEY, -1, new byte[] {(byte) 0xff}),
            InternalKey.encode(StoredKey.of(3, new byte[] {(byte) 0xff, (byte) 0xff}), 0, new byte[0])}) {
            assertThat(java.util.Arrays.compareUnsigned(k, start)).isNotNegative();
            assertThat(java.util.Arrays.compareUnsigned(k, end)).isNegative();
        }
    }

    @Test
    void counterNamesDatabaseMapAndFormatVersion() {
        assertThat(new String(Counters.keys(0), StandardCharsets.US_ASCII)).isEqualTo("rockhub:counter:keys");
        assertThat(new String(Counters.keys(5), StandardCharsets.US_ASCII)).isEqualTo("rockhub:counter:keys@5");
        assertThat(new String(Counters.expires(0), StandardCharsets.US_ASCII)).isEqualTo("rockhub:counter:expires");
        assertThat(new String(Counters.expires(5), StandardCharsets.US_ASCII)).isEqualTo("rockhub:counter:expires@5");
        int[] map = DatabaseMap.identity();
        map[0] = 1;
        map[1] = 0;
        assertThat(hex(DatabaseMap.encode(map))).isEqualTo("0100" + "02030405060708090a0b0c0d0e0f"
                + "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
        assertThat(DatabaseMap.decode(DatabaseMap.encode(map))).isEqualTo(map);
        assertThat(DatabaseMap.decode(null)).isEqualTo(DatabaseMap.identity());
        assertThat(new String(DatabaseMap.KEY, StandardCharsets.US_ASCII)).isEqualTo("rockhub:databases");
        assertThat(new String(FormatVersion.KEY, StandardCharsets.US_ASCII)).isEqualTo("rockhub:format");
        assertThat(hex(FormatVersion.encode(2))).isEqualTo("00000002");
        assertThat(FormatVersion.decode(null)).isEqualTo(1);
    }

    @Test
    void scoresSortNumericallyAsBytes() {
        double[] ordered = {Double.NEGATIVE_INFINITY, -1e300, -2.5, -1, -Double.MIN_VALUE, 0, Double.MIN_VALUE, 1,
            2.5, 1e300, Double.POSITIVE_INFINITY};
        for (int i = 1; i < ordered.length; i++) {
            assertThat(java.util.Arrays.compareUnsigned(ScoreCodec.encode(ordered[i - 1]), ScoreCodec.encode(ordered[i])))
                    .as("%s < %s", ordered[i - 1], ordered[i]).isNegative();
            assertThat(ScoreCodec.get(ScoreCodec.encode(ordered[i]), 0)).isEqualTo(ordered[i]);
        }
        assertThat(hex(ScoreCodec.encode(1.0))).isEqualTo("bff0000000000000");
        assertThat(hex(ScoreCodec.encode(-1.0))).isEqualTo("400fffffffffffff");
        assertThat(ScoreCodec.encode(-0.0)).isEqualTo(ScoreCodec.encode(0.0));
        assertThat(1 / ScoreCodec.fromExact(ScoreCodec.exact(-0.0))).isNegative();
    }

    @Test
    void zsetScoreIndexLayout() {
        byte[] k = ZSetScoreKey.encode(KEY, 7, 1.0, "m".getBytes(StandardCharsets.US_ASCII));
        assertThat(hex(k)).isEqualTo("03" + "00000006" + hex(USER_KEY) + "0000000000000007" + "bff0000000000000" + "6d");
        assertThat(ZSetScoreKey.score(k, 19)).isEqualTo(1.0);
        assertThat(ZSetScoreKey.member(k, 19)).containsExactly('m');
    }

    @Test
    void streamLayouts() {
        assertThat(hex(new StreamId(1, 2).encode())).isEqualTo("0000000000000001" + "0000000000000002");
        assertThat(java.util.Arrays.compareUnsigned(new StreamId(-1, 0).encode(), new StreamId(1, 0).encode()))
                .as("ids are unsigned").isPositive();
        assertThat(hex(StreamEntryCodec.encode(java.util.List.of("f".getBytes(), "vv".getBytes()))))
                .isEqualTo("00000002" + "00000001" + "66" + "00000002" + "7676");
        Metadata m = Metadata.collection(DataType.STREAM, 0, 3, 1)
                .withValue(new StreamMeta(new StreamId(5, 1), new StreamId(2, 0), 7).encode());
        assertThat(hex(m.encode())).isEqualTo("06" + "0000000000000000" + "0000000000000003" + "0000000000000001"
                + "0000000000000005" + "0000000000000001" + "0000000000000002" + "0000000000000000"
                + "0000000000000007");
        assertThat(Metadata.decode(m.encode())).isEqualTo(m);
    }

    @Test
    void streamGroupLayouts() {
        String tag = "ff".repeat(16);
        byte[] g = "g".getBytes(StandardCharsets.US_ASCII);
        byte[] c = "c1".getBytes(StandardCharsets.US_ASCII);
        StreamId id = new StreamId(5, 1);
        assertThat(hex(StreamGroupCodec.groupSub(g))).isEqualTo(tag + "47" + "67");
        assertThat(hex(StreamGroupCodec.consumerSub(g, c))).isEqualTo(tag + "43" + "00000001" + "67" + "6331");
        assertThat(hex(StreamGroupCodec.pendingSub(g, id))).isEqualTo(tag + "50" + "00000001" + "67" + hex(id.encode()));
        assertThat(hex(StreamGroupCodec.ownedSub(g, c, id)))
                .isEqualTo(tag + "51" + "00000001" + "67" + "00000002" + "6331" + hex(id.encode()));
        assertThat(java.util.Arrays.compareUnsigned(StreamGroupCodec.groupSub(new byte[0]), StreamId.MAX.encode()))
                .as("group records sort after every entry").isPositive();

        var group = new StreamGroupCodec.GroupRecord(id, 7, 3, 2, 5, "dlq".getBytes(StandardCharsets.US_ASCII));
        assertThat(hex(StreamGroupCodec.encode(group))).isEqualTo(hex(id.encode()) + "0000000000000007"
                + "0000000000000003" + "0000000000000002" + "0000000000000005" + "646c71");
        var back = StreamGroupCodec.decodeGroup(StreamGroupCodec.encode(group));
        assertThat(back.lastDelivered()).isEqualTo(id);
        assertThat(back.deadLetterKey()).isEqualTo("dlq".getBytes(StandardCharsets.US_ASCII));
        assertThat(hex(StreamGroupCodec.encode(new StreamGroupCodec.ConsumerRecord(1, -1, 4))))
                .isEqualTo("0000000000000001" + "ffffffffffffffff" + "0000000000000004");
        assertThat(hex(StreamGroupCodec.encode(new StreamGroupCodec.PendingRecord(9, 2, c))))
                .isEqualTo("0000000000000009" + "0000000000000002" + "6331");
        assertThat(StreamGroupCodec.decodePending(StreamGroupCodec.encode(new StreamGroupCodec.PendingRecord(9, 2, c)))
                .deliveries()).isEqualTo(2);
    }

    @Test
    void garbageKeyLayout() {
        assertThat(hex(new GarbageKey(9, KEY).encode())).isEqualTo("0000000000000009" + hex(KEY));
    }

    @Test
    void counterOperandsAreLittleEndianForUint64Add() {
        assertThat(hex(Counters.operand(1))).isEqualTo("0100000000000000");
        assertThat(hex(Counters.operand(-1))).isEqualTo("ffffffffffffffff");
        assertThat(Counters.decode(Counters.operand(300))).isEqualTo(300);
    }

    @Test
    void prefixEndIsTheExclusiveUpperBound() {
        assertThat(Bytes.prefixEnd(new byte[] {1, 2})).containsExactly(1, 3);
        assertThat(Bytes.prefixEnd(new byte[] {1, (byte) 0xff})).containsExactly(2);
        assertThat(Bytes.prefixEnd(new byte[] {(byte) 0xff})).isNull();
    }

    @Test
    void aMigrationsEntriesTravelAsKindFamilyAndLengthPrefixedBytes() {
        byte[] k = StoredKey.of(StoredKey.CLUSTER, "somekey".getBytes(StandardCharsets.US_ASCII));
        java.util.List<RawOps.Op> ops = java.util.List.of(new RawOps.Op(ColumnFamily.METADATA, k, new byte[] {9}),
                new RawOps.Op(ColumnFamily.STREAM, new byte[] {1, 2}, null));
        byte[] wire = RawOps.encode(ops);
        assertThat(hex(wire)).isEqualTo("01" + "00" + "0000000a" + hex(k) + "00000001" + "09" + "02" + "05" + "00000002" + "0102");
        java.util.List<RawOps.Op> back = RawOps.decode(wire);
        assertThat(back).hasSize(2);
        assertThat(back.get(0).key()).isEqualTo(k);
        assertThat(back.get(0).value()).containsExactly(9);
        assertThat(back.get(1).family()).isEqualTo(ColumnFamily.STREAM);
        assertThat(back.get(1).put()).isFalse();
        assertThatThrownBy(() -> RawOps.decode(new byte[] {1, 0, 0, 0, 0, 9})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RawOps.decode(new byte[] {3, 0, 0, 0, 0, 0})).isInstanceOf(IllegalArgumentException.class);
        // Where the slot sits in each family's key: after the tag, or after the deadline or version.
        assertThat(RawOps.slotOf(ColumnFamily.METADATA, k)).isEqualTo(11058);
        assertThat(RawOps.slotOf(ColumnFamily.EXPIRE, new ExpireKey(5, k).encode())).isEqualTo(11058);
        assertThat(RawOps.slotOf(ColumnFamily.SUBKEY, InternalKey.encode(k, 3, new byte[] {1}))).isEqualTo(11058);
        assertThat(RawOps.slotOf(ColumnFamily.METADATA, KEY)).isEqualTo(-1);
        assertThat(RawOps.slotOf(ColumnFamily.DEFAULT, k)).isEqualTo(-1);
    }
}
