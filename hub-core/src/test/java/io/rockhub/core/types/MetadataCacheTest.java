package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.Metadata;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetadataCacheTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void install(MetadataCache cache, String key, Metadata m) {
        cache.installIfUnchanged(b(key), m, cache.generation(b(key)));
    }

    /** Keys that land in one stripe, so that one stripe's budget decides. */
    private static String[] sameStripe(int n) {
        String[] out = new String[n];
        int found = 0;
        for (int i = 0; found < n; i++) {
            String k = "k" + i;
            if (found == 0 || stripeOf(k) == stripeOf(out[0])) {
                out[found++] = k;
            }
        }
        return out;
    }

    /** As MetadataCache picks a stripe. */
    private static int stripeOf(String key) {
        int hash = java.util.Arrays.hashCode(b(key));
        return (hash * 0x9E3779B9) >>> 26;
    }

    @Test
    void anEntryReadSinceTheLastEvictionOutlivesAnOlderUnreadOne() {
        Metadata value = Metadata.string(new byte[100], 0);
        // 64 stripes; each stripe's budget holds three such entries (about 250 bytes each).
        MetadataCache cache = new MetadataCache(64 * 800);
        String[] k = sameStripe(4);
        install(cache, k[0], value);
        install(cache, k[1], value);
        install(cache, k[2], value);
        assertThat(cache.get(b(k[0]))).isSameAs(value); // read: a second chance
        install(cache, k[3], value); // over budget: one must go
        assertThat(cache.get(b(k[0]))).as("read, so spared").isSameAs(value);
        assertThat(cache.get(b(k[1]))).as("oldest unread: evicted").isNull();
        assertThat(cache.get(b(k[2]))).isSameAs(value);
        assertThat(cache.get(b(k[3]))).isSameAs(value);
    }

    @Test
    void theByteBudgetHoldsWhateverIsRead() {
        MetadataCache cache = new MetadataCache(64 * 10_000);
        for (int i = 0; i < 20_000; i++) {
            install(cache, "key" + i, Metadata.string(new byte[200], 0));
            cache.get(b("key" + (i / 2)));
            assertThat(cache.bytes()).isLessThanOrEqualTo(64 * 10_000);
        }
        assertThat(cache.get(b("key19999"))).as("the newest entry stays").isNotNull();
    }

    @Test
    void aReadFromBeforeAWriteIsNotInstalledAfterIt() {
        MetadataCache cache = new MetadataCache(1 << 20);
        Metadata before = Metadata.string(b("old"), 0);
        Metadata after = Metadata.string(b("new"), 0);
        long generation = cache.generation(b("k")); // a reader looked, then read RocksDB...
        cache.invalidate(b("k"));                     // ...while a writer committed
        cache.settle(b("k"), after);
        cache.installIfUnchanged(b("k"), before, generation);
        assertThat(cache.get(b("k"))).isSameAs(after);
        cache.invalidate(b("k"));
        assertThat(cache.generation(b("k"))).as("write in flight: nothing may be installed").isEqualTo(-1);
        assertThat(cache.get(b("k"))).isNull();
        cache.settle(b("k"), null);
        assertThat(cache.get(b("k"))).isNull();
    }
}
