package io.rockhub.core.encoding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashSlotTest {
    private static int slot(String key) {
        return HashSlot.of(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keysHashToRedisClusterSlots() {
        // The vectors of the Redis Cluster specification.
        assertThat(slot("somekey")).isEqualTo(11058);
        assertThat(slot("foo{hash_tag}")).isEqualTo(2515);
        assertThat(HashSlot.crc16("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9)).isEqualTo(0x31C3);
    }

    @Test
    void onlyTheFirstNonEmptyTagCounts() {
        assertThat(slot("{user1000}.following")).isEqualTo(slot("{user1000}.followers")).isEqualTo(slot("user1000"));
        assertThat(slot("foo{}{bar}")).isEqualTo(slot("foo{}{bar}")).isNotEqualTo(slot("bar"));
        assertThat(slot("foo{{bar}}zap")).isEqualTo(slot("{bar"));
        assertThat(slot("foo{bar}{zap}")).isEqualTo(slot("bar"));
        assertThat(slot("{")).isEqualTo(HashSlot.crc16(new byte[] {'{'}, 0, 1) & 16383);
    }
}
