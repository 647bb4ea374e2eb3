package io.rockhub.app.backup;

import io.rockhub.core.util.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The embedded default: objects are files under a directory, written to a temporary name and
 * renamed, so an object is either whole or absent, as in S3.
 */
public final class LocalObjectStore implements ObjectStore {
    private final Path root;

    public LocalObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    private Path path(String key) {
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("key outside the store: " + key);
        }
        return p;
    }

    @Override
    public void put(String key, Path file) throws IOException {
        Path target = path(key);
        Files.createDirectories(target.getParent());
        // A backup that is listed must survive a power loss of the machine that holds the store.
        DurableFiles.copy(file, target);
    }

    @Override
    public void putBytes(String key, byte[] data) throws IOException {
        Path target = path(key);
        Files.createDirectories(target.getParent());
        DurableFiles.replace(target, data);
    }

    @Override
    public void get(String key, Path target) throws IOException {
        Files.copy(path(key), target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public byte[] getBytes(String key) throws IOException {
        return Files.readAllBytes(path(key));
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(path(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(k -> k.startsWith(prefix) && !k.endsWith(DurableFiles.TEMPORARY_SUFFIX)).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    @Override
    public String describe() {
        return root.toString();
    }
}
