package io.rockhub.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
    @TempDir
    Path dir;

    @Test
    void replaceLeavesTheNewContentAndNoTemporaryFile() throws Exception {
        Path target = dir.resolve("REPLICATION");
        Files.writeString(target, "old");
        DurableFiles.replace(target, "new".getBytes(StandardCharsets.US_ASCII));
        assertThat(target).hasContent("new");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void copyCreatesTheTargetWholeAndNoPartFile() throws Exception {
        Path source = Files.writeString(dir.resolve("source"), "x".repeat(100_000));
        Path target = dir.resolve("copy");
        DurableFiles.copy(source, target);
        assertThat(Files.mismatch(source, target)).isEqualTo(-1);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(source, target);
        }
    }
}
