package io.rockhub.resp.scripting;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.Storage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The FUNCTION libraries: each one's code is a record {@code rockhub:function:<name>} in the default
 * column family (durable, replicated, in backups like data), and a version record changed in the
 * same batch tells every reader, a replica's included, when its view is out of date. Function names
 * are case-insensitive, library names are not, as in Redis.
 */
final class FunctionLibraries {
    private static final byte[] PREFIX = "rockhub:function:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION = "rockhub:functions-version".getBytes(StandardCharsets.US_ASCII);

    /** Runs a library's code to learn its functions: the list, or Redis's error text. */
    interface Checker {
        Object check(String name, byte[] code);
    }

    /** FUNCTION RESTORE's policies. */
    enum Policy { APPEND, REPLACE, FLUSH }

    /** The storage now open: a replica's full copy reopens it under us. */
    private final java.util.function.Supplier<Storage> storageNow;
    private Storage storage;
    private final Map<String, FunctionLibrary> libraries = new TreeMap<>();
    private final Map<String, FunctionLibrary> byFunction = new HashMap<>();
    private long version = -1;

    FunctionLibraries(java.util.function.Supplier<Storage> storage) {
        this.storageNow = storage;
    }

    /** The version of the libraries now stored (a VM reloads its functions when it changes). */
    synchronized long version(Checker checker) {
        refresh(checker);
        return version;
    }

    private long storedVersion() {
        byte[] v = storage.get(ColumnFamily.DEFAULT, VERSION);
        return v == null ? 0 : ByteBuffer.wrap(v).order(ByteOrder.BIG_ENDIAN).getLong();
    }

    private void refresh(Checker checker) {
        Storage open = storageNow.get();
        if (open != storage) {
            storage = open;
            version = -1;
        }
        long stored = storedVersion();
        if (stored == version) {
            return;
        }
        libraries.clear();
        byFunction.clear();
        byte[] end = PREFIX.clone();
        end[end.length - 1]++;
        try (org.rocksdb.RocksIterator it = storage.iterator(ColumnFamily.DEFAULT)) {
            for (it.seek(PREFIX); it.isValid() && Arrays.compareUnsigned(it.key(), end) < 0; it.next()) {
                String name = new String(it.key(), PREFIX.length, it.key().length - PREFIX.length, StandardCharsets.UTF_8);
                if (checker.check(name, it.value()) instanceof List<?> fs) {
                    index(new FunctionLibrary(name, it.value(), functions(fs)));
                }
            }
        }
        version = stored;
    }

    @SuppressWarnings("unchecked")
    private static List<FunctionLibrary.Function> functions(List<?> checked) {
        return (List<FunctionLibrary.Function>) checked;
    }

    private void index(FunctionLibrary lib) {
        libraries.put(lib.name(), lib);
        for (FunctionLibrary.Function f : lib.functions()) {
            byFunction.put(f.name().toLowerCase(Locale.ROOT), lib);
        }
    }

    private void unindex(FunctionLibrary lib) {
        libraries.remove(lib.name());
        for (FunctionLibrary.Function f : lib.functions()) {
            byFunction.remove(f.name().toLowerCase(Locale.ROOT));
        }
    }

    /** The library's name, its functions checked: {@code result[0]} the library or {@code result[1]} an error. */
    private static Object parse(byte[] code, Checker checker) {
        StringBuilder name = new StringBuilder();
        String error = FunctionLibrary.nameOrError(code, name);
        if (error != null) {
            return error;
        }
        Object r = checker.check(name.toString(), code);
        if (r instanceof String err) {
            return err;
        }
        List<FunctionLibrary.Function> fs = functions((List<?>) r);
        if (fs.isEmpty()) {
            return "ERR No functions registered";
        }
        return new FunctionLibrary(name.toString(), code, fs);
    }

    /** FUNCTION LOAD [REPLACE]: the new library, or Redis's error text. */
    synchronized Object load(byte[] code, boolean replace, Checker checker) {
        refresh(checker);
        StringBuilder name = new StringBuilder();
        String error = FunctionLibrary.nameOrError(code, name);
        if (error != null) {
            return error;
        }
        FunctionLibrary old = libraries.get(name.toString());
        if (old != null && !replace) {
            return "ERR Library '" + name + "' already exists";
        }
        Object parsed = parse(code, checker);
        if (parsed instanceof String err) {
            return err;
        }
        FunctionLibrary lib = (FunctionLibrary) parsed;
        String clash = clash(List.of(lib), old == null ? List.of() : List.of(old));
        if (clash != null) {
            return clash;
        }
        store(List.of(lib), old == null ? List.of() : List.of(old), false);
        return lib;
    }

    /** The first function of {@code added} that a library other than {@code leaving} already has. */
    private String clash(List<FunctionLibrary> added, List<FunctionLibrary> leaving) {
        Map<String, FunctionLibrary> seen = new HashMap<>();
        for (FunctionLibrary lib : added) {
            for (FunctionLibrary.Function f : lib.functions()) {
                String key = f.name().toLowerCase(Locale.ROOT);
                FunctionLibrary owner = byFunction.get(key);
                if ((owner != null && !leaving.contains(owner)) || seen.putIfAbsent(key, lib) != null) {
                    return "ERR Function " + f.name() + " already exists";
                }
            }
        }
        return null;
    }

    /** Writes {@code added} and removes {@code removed} (or everything) in one synced batch. */
    private void store(List<FunctionLibrary> added, List<FunctionLibrary> removed, boolean removeAll) {
        long next = Math.max(version, storedVersion()) + 1;
        try (Batch b = storage.newBatch()) {
            if (removeAll) {
                // One delete per library, not a range deletion: this may run inside EXEC, whose
                // indexed batch takes no range deletions.
                for (String name : libraries.keySet()) {
                    b.delete(ColumnFamily.DEFAULT, key(name));
                }
            }
            for (FunctionLibrary lib : removed) {
                b.delete(ColumnFamily.DEFAULT, key(lib.name()));
            }
            for (FunctionLibrary lib : added) {
                b.put(ColumnFamily.DEFAULT, key(lib.name()), lib.code());
            }
            b.put(ColumnFamily.DEFAULT, VERSION, ByteBuffer.allocate(8).putLong(next).array());
            storage.commit(b);
        }
        if (removeAll) {
            libraries.clear();
            byFunction.clear();
        }
        removed.forEach(this::unindex);
        added.forEach(this::index);
        version = next;
    }

    /** FUNCTION DELETE: false when there is no such library. */
    synchronized boolean delete(String name, Checker checker) {
        refresh(checker);
        FunctionLibrary lib = libraries.get(name);
        if (lib == null) {
            return false;
        }
        store(List.of(), List.of(lib), false);
        return true;
    }

    /** FUNCTION FLUSH. */
    synchronized void flush(Checker checker) {
        refresh(checker);
        store(List.of(), List.of(), true);
    }

    /** FUNCTION RESTORE: null, or Redis's error text (then nothing changed). */
    synchronized String restore(List<byte[]> codes, Policy policy, Checker checker) {
        refresh(checker);
        List<FunctionLibrary> added = new ArrayList<>();
        Map<String, FunctionLibrary> names = new HashMap<>();
        for (byte[] code : codes) {
            Object parsed = parse(code, checker);
            if (parsed instanceof String err) {
                return err;
            }
            FunctionLibrary lib = (FunctionLibrary) parsed;
            if (names.putIfAbsent(lib.name(), lib) != null) {
                return "ERR Library " + lib.name() + " already exists";
            }
            added.add(lib);
        }
        if (policy == Policy.FLUSH) {
            Map<String, FunctionLibrary> saved = new HashMap<>(byFunction);
            byFunction.clear();
            String clash = clash(added, List.of());
            byFunction.putAll(saved);
            if (clash != null) {
                return clash;
            }
            store(added, List.of(), true);
            return null;
        }
        List<FunctionLibrary> leaving = new ArrayList<>();
        for (FunctionLibrary lib : added) {
            FunctionLibrary old = libraries.get(lib.name());
            if (old != null) {
                if (policy == Policy.APPEND) {
                    return "ERR Library " + lib.name() + " already exists";
                }
                leaving.add(old);
            }
        }
        String clash = clash(added, leaving);
        if (clash != null) {
            return clash;
        }
        store(added, leaving, false);
        return null;
    }

    /** The libraries, by name. */
    synchronized List<FunctionLibrary> all(Checker checker) {
        refresh(checker);
        return new ArrayList<>(libraries.values());
    }

    /** The library holding a function (any case), or null. */
    synchronized FunctionLibrary owner(String function, Checker checker) {
        refresh(checker);
        return byFunction.get(function.toLowerCase(Locale.ROOT));
    }

    private static byte[] key(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] k = Arrays.copyOf(PREFIX, PREFIX.length + n.length);
        System.arraycopy(n, 0, k, PREFIX.length, n.length);
        return k;
    }
}
