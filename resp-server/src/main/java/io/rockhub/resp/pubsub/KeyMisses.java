package io.rockhub.resp.pubsub;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.command.KeyFinder;
import io.rockhub.resp.server.Hub;
import java.util.List;

/**
 * Keyspace "keymiss" events ('m' in {@code notify-keyspace-events}, not part of 'A'): Redis reports
 * each key a command looks up for reading and does not find, before the command runs on. The keys
 * a command reads are those its key specs mark RO (PFMERGE also reads its destination); OBJECT and
 * MEMORY USAGE look without reporting, as in Redis. Commands that combine several keys stop at the
 * first of the wrong type (Redis answers WRONGTYPE there and looks no further). Nothing is looked up
 * unless 'm' is on.
 */
public final class KeyMisses {
    private KeyMisses() {
    }

    public static void report(Hub hub, CommandSpec spec, List<byte[]> storedArgv) {
        if (!hub.storage().notifies(KeyEvent.KEY_MISS) || spec.keySpecs().isEmpty()
                || spec.name().startsWith("object|") || spec.name().equals("memory|usage")) {
            return;
        }
        String name = spec.name();
        if (name.equals("copy") && java.util.Arrays.equals(storedArgv.get(1), storedArgv.get(2))
                && !hasToken(storedArgv, 3, "DB")) {
            return; // refused as the same object before any lookup
        }
        // PFCOUNT and PFMERGE read every key they name (PFCOUNT is a write only for its cache); these
        // writes first read their key as Redis's read lookup does.
        boolean allKeys = name.equals("pfmerge") || name.equals("pfcount") || readsFirst(name, storedArgv);
        for (KeyFinder.Found f : KeyFinder.find(spec, storedArgv)) {
            if (f.position() >= storedArgv.size() || !(allKeys || f.flags().contains("RO"))) {
                continue;
            }
            byte[] key = storedArgv.get(f.position());
            Metadata m = hub.keys().live(key);
            if (m == null) {
                hub.keyspaceNotifier().publishNow(new KeyEvent(KeyEvent.KEY_MISS, "keymiss", key));
            } else if (stopsAt(hub, name, key, m)) {
                return;
            }
        }
    }

    private static boolean readsFirst(String name, List<byte[]> argv) {
        switch (name) {
            case "getex", "getset", "getdel", "xautoclaim", "xclaim", "xack":
                return true;
            case "set":
                return hasToken(argv, 3, "GET");
            case "bitfield":
                return !hasToken(argv, 2, "SET") && !hasToken(argv, 2, "INCRBY");
            default:
                return false;
        }
    }

    private static boolean hasToken(List<byte[]> argv, int from, String token) {
        for (int i = from; i < argv.size(); i++) {
            if (new String(argv.get(i), java.nio.charset.StandardCharsets.UTF_8).equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether PFCOUNT or PFMERGE gets past this key, as Redis checks each in turn: a HyperLogLog
     * (isHLLObjectOrReply) whose registers merge (a corrupt one ends the command with INVALIDOBJ).
     */
    private static boolean looksLikeHll(Hub hub, byte[] key, Metadata m) {
        io.rockhub.core.encoding.HyperLogLog hll = io.rockhub.core.encoding.HyperLogLog.parse(
                hub.strings().values().whole(key, m));
        return hll != null && hll.mergeInto(new int[io.rockhub.core.encoding.HyperLogLog.REGISTERS]);
    }

    /** Whether a multi-key command fails on this existing key's type, before looking at the next. */
    private static boolean stopsAt(Hub hub, String command, byte[] key, Metadata m) {
        switch (command) {
            case "sinter", "sunion", "sdiff", "sinterstore", "sunionstore", "sdiffstore", "sintercard":
                return m.type() != DataType.SET;
            case "zunion", "zinter", "zdiff", "zunionstore", "zinterstore", "zdiffstore", "zintercard":
                return m.type() != DataType.ZSET && m.type() != DataType.SET;
            case "bitop":
                return !m.type().isString();
            case "pfcount", "pfmerge":
                return !m.type().isString() || !looksLikeHll(hub, key, m);
            default:
                return false;
        }
    }
}
