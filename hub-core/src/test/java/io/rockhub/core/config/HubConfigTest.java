package io.rockhub.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubConfigTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsServeLocallyWithDurableWrites() {
        HubConfig c = HubConfig.defaults();
        assertThat(c.get("bind")).isEqualTo("127.0.0.1");
        assertThat(c.getInt("port")).isEqualTo(6380);
        assertThat(c.get("dir")).isEqualTo("./data");
        assertThat(c.getBool("rocksdb.write_options.sync")).isTrue();
        assertThat(c.getLong("proto-max-bulk-len")).isEqualTo(512L * 1024 * 1024);
    }

    @Test
    void fileInKvrocksStyleThenCommandLineOverrides() throws Exception {
        Path file = tmp.resolve("rockhub.conf");
        Files.writeString(file, """
                # comment
                port 7000
                requirepass "two words"
                rocksdb.compression_per_level no:no:lz4:lz4:zstd:zstd:zstd
                proto-max-bulk-len 64mb   # trailing comment
                """);
        HubConfig c = HubConfig.load(file, Map.of("port", "7001"));
        assertThat(c.getInt("port")).isEqualTo(7001);
        assertThat(c.get("requirepass")).isEqualTo("two words");
        assertThat(c.get("rocksdb.compression_per_level")).isEqualTo("no:no:lz4:lz4:zstd:zstd:zstd");
        assertThat(c.getLong("proto-max-bulk-len")).isEqualTo(64L * 1024 * 1024);
    }

    @Test
    void unknownKeysAndBadValuesNameTheKey() throws Exception {
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("prot", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("prot").hasMessageContaining("unknown");
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("port", "seventy")))
                .hasMessageContaining("port").hasMessageContaining("integer");
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("port", "70000")))
                .hasMessageContaining("port").hasMessageContaining("between");
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("rocksdb.compression_per_level", "no:gzip")))
                .hasMessageContaining("rocksdb.compression_per_level").hasMessageContaining("gzip");
        Path file = tmp.resolve("bad.conf");
        Files.writeString(file, "port 1\nbogus-key 2\n");
        assertThatThrownBy(() -> HubConfig.load(file, Map.of())).hasMessageContaining("line 2").hasMessageContaining("bogus-key");
    }

    @Test
    void runTimeChangesOnlyForMutableSettingsAndListenersHearThem() throws Exception {
        HubConfig c = HubConfig.defaults();
        StringBuilder heard = new StringBuilder();
        c.onChange((k, v) -> heard.append(k).append('=').append(v));
        c.set("timeout", "30");
        assertThat(heard.toString()).isEqualTo("timeout=30");
        assertThatThrownBy(() -> c.set("port", "1")).hasMessageContaining("immutable");
        assertThatThrownBy(() -> c.check("maxclients", "x")).hasMessageContaining("integer");
        assertThat(c.getInt("maxclients")).isEqualTo(10000);
        assertThat(c.matching("max*")).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("maxclients",
                "max-replication-mb", "maxmemory", "maxmemory-clients", "maxmemory-eviction-tenacity", "maxmemory-policy",
                "maxmemory-samples");
    }

    @Test
    void redisKeysAreAcceptedValidatedAndTheirOldNamesAreAliases() throws Exception {
        HubConfig c = HubConfig.defaults();
        c.set("hash-max-ziplist-entries", "100");
        assertThat(c.get("hash-max-listpack-entries")).isEqualTo("100");
        assertThat(c.matching("hash-max-ziplist-entries")).containsExactly(Map.entry("hash-max-ziplist-entries", "100"));
        c.set("maxmemory", "1gb");
        assertThat(c.get("maxmemory")).isEqualTo("1073741824");
        assertThatThrownBy(() -> c.set("activedefrag", "maybe")).hasMessageContaining("'yes' or 'no'");
        assertThatThrownBy(() -> c.set("daemonize", "yes")).hasMessageContaining("immutable");
        c.set("slave-read-only", "no");
        assertThat(c.getBool("replica-read-only")).isFalse();
        assertThat(c.render()).contains("hash-max-listpack-entries 100").doesNotContain("hash-max-ziplist-entries")
                .doesNotContain("lfu-log-factor");
    }
}
