package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import io.rockhub.core.types.StringStore.Condition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StringStoreTest {
    private TempStorage tmp;
    private ManualClock clock;
    private Keyspace keys;
    private StringStore strings;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage();
        clock = new ManualClock(1_700_000_000_000L);
        keys = new Keyspace(tmp.storage, clock);
        strings = new StringStore(keys);
    }

    @AfterEach
    void close() throws Exception {
        tmp.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String get(String key) {
        Result<byte[]> r = strings.get(b(key));
        return r.isOk() ? new String(r.value(), StandardCharsets.UTF_8) : null;
    }

    @Test
    void expiredKeyIsInvisibleToGetAtOnce() {
        strings.set(b("k"), b("v"), Condition.ALWAYS, ExpiryChange.at(clock.millis() + 1000), false);
        assertThat(get("k")).isEqualTo("v");
        clock.advance(999);
        assertThat(get("k")).isEqualTo("v");
        clock.advance(1);
        assertThat(get("k")).isNull();
        assertThat(keys.ttlMillis(b("k"))).isEqualTo(-2);
        assertThat(keys.countExisting(List.of(b("k")))).isZero();
        assertThat(strings.set(b("k"), b("new"), Condition.IF_ABSENT, ExpiryChange.CLEAR, false).applied()).isTrue();
    }

    @Test
    void setKeepTtlKeepsTheDeadlineAndPlainSetClearsIt() {
        long deadline = clock.millis() + 60_000;
        strings.set(b("s"), b("1"), Condition.ALWAYS, ExpiryChange.at(deadline), false);
        strings.set(b("s"), b("2"), Condition.ALWAYS, ExpiryChange.KEEP, false);
        assertThat(keys.expireTimeMillis(b("s"))).isEqualTo(deadline);
        strings.set(b("s"), b("3"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        assertThat(keys.expireTimeMillis(b("s"))).isEqualTo(-1);
        assertThat(keys.expiresCount()).isZero();
    }

    @Test
    void setWithGetReturnsThePreviousValue() {
        assertThat(strings.set(b("g"), b("a"), Condition.ALWAYS, ExpiryChange.CLEAR, true).old()).isNull();
        assertThat(strings.set(b("g"), b("b"), Condition.ALWAYS, ExpiryChange.CLEAR, true).old()).isEqualTo(b("a"));
    }

    @Test
    void incrementsKeepTtlAndDetectOverflow() {
        strings.set(b("n"), b("9223372036854775806"), Condition.ALWAYS, ExpiryChange.at(clock.millis() + 5000), false);
        assertThat(strings.incrBy(b("n"), 1).value()).isEqualTo(Long.MAX_VALUE);
        assertThat(strings.incrBy(b("n"), 1).status()).isEqualTo(Status.OVERFLOW);
        assertThat(keys.ttlMillis(b("n"))).isEqualTo(5000);
        strings.set(b("t"), b("abc"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        assertThat(strings.incrBy(b("t"), 1).status()).isEqualTo(Status.NOT_INTEGER);
        assertThat(strings.incrByFloat(b("t"), ld("1")).status()).isEqualTo(Status.NOT_FLOAT);
        assertThat(strings.incrByFloat(b("f"), ld("10.5")).value()).isEqualTo("10.5");
        assertThat(strings.incrByFloat(b("f"), ld("0.1")).value()).isEqualTo("10.6");
    }

    @Test
    void appendAndSetRangeRespectTheSizeLimit() {
        assertThat(strings.append(b("a"), b("abc"), 5).value()).isEqualTo(3);
        assertThat(strings.append(b("a"), b("def"), 5).status()).isEqualTo(Status.TOO_LARGE);
        assertThat(get("a")).isEqualTo("abc");
        assertThat(strings.setRange(b("r"), 3, b("x"), 100).value()).isEqualTo(4);
        assertThat(strings.get(b("r")).value()).containsExactly(0, 0, 0, 'x');
        assertThat(strings.setRange(b("r"), 99, b("xy"), 100).status()).isEqualTo(Status.TOO_LARGE);
    }

    @Test
    void getRangeFollowsRedisIndexRules() {
        strings.set(b("s"), b("This is a string"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        assertThat(new String(strings.getRange(b("s"), 0, 3).value())).isEqualTo("This");
        assertThat(new String(strings.getRange(b("s"), -3, -1).value())).isEqualTo("ing");
        assertThat(new String(strings.getRange(b("s"), 0, -1).value())).isEqualTo("This is a string");
        assertThat(new String(strings.getRange(b("s"), 10, 100).value())).isEqualTo("string");
        assertThat(strings.getRange(b("s"), 5, 3).value()).isEmpty();
    }

    @Test
    void msetnxWritesNothingIfAnyKeyExists() {
        strings.set(b("b"), b("old"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        assertThat(strings.multiSet(List.of(b("a"), b("1"), b("b"), b("2")), true)).isFalse();
        assertThat(get("a")).isNull();
        assertThat(get("b")).isEqualTo("old");
        assertThat(strings.multiSet(List.of(b("a"), b("1"), b("a"), b("2")), false)).isTrue();
        assertThat(get("a")).isEqualTo("2");
        assertThat(keys.size()).isEqualTo(2);
    }

    @Test
    void getExChangesOrClearsTheTtl() {
        strings.set(b("e"), b("v"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        strings.getEx(b("e"), ExpiryChange.at(clock.millis() + 100));
        assertThat(keys.ttlMillis(b("e"))).isEqualTo(100);
        strings.getEx(b("e"), ExpiryChange.CLEAR);
        assertThat(keys.ttlMillis(b("e"))).isEqualTo(-1);
        strings.getEx(b("e"), ExpiryChange.at(clock.millis() - 1));
        assertThat(get("e")).isNull();
    }

    private static io.rockhub.core.util.Numbers.LongDouble ld(String s) {
        return io.rockhub.core.util.Numbers.parseLongDouble(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
