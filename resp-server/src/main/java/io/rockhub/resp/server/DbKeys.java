package io.rockhub.resp.server;

import io.rockhub.core.encoding.StoredKey;
import io.rockhub.resp.command.CommandFlag;
import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.command.KeyFinder;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the client's database in front of every key of a command line before it is parsed, so the
 * stores see stored keys ({@link StoredKey}) and no command has to know about databases. The keys
 * are where the command table says (the legacy first/last/step when they tell all, the key
 * specifications otherwise), as Redis finds them for ACL and cluster routing. Replies that name a
 * key (BLPOP, XREAD, ...) hand back {@link StoredKey#user}.
 */
final class DbKeys {
    private DbKeys() {
    }

    /** A command line with its keys in a namespace, and those key arrays (patched in place by {@link #move}). */
    record Rewritten(List<byte[]> argv, List<byte[]> keys) {
    }

    private static final int[] NONE = new int[0];

    /**
     * Where the keys of a command line are: the legacy first/last/step when they tell all, else what
     * the key specifications find (none when the arguments do not fit them).
     */
    static int[] positions(CommandSpec spec, List<byte[]> argv) {
        if (spec.has(CommandFlag.PUBSUB)) {
            return NONE; // shard channels have key specs (for cluster routing) but are not keys
        }
        if (spec.firstKey() > 0 && !spec.has(CommandFlag.MOVABLEKEYS)) {
            int argc = argv.size();
            int last = spec.lastKey() < 0 ? argc + spec.lastKey() : Math.min(spec.lastKey(), argc - 1);
            int step = Math.max(1, spec.step());
            if (last < spec.firstKey()) {
                return NONE;
            }
            int[] out = new int[(last - spec.firstKey()) / step + 1];
            for (int i = 0; i < out.length; i++) {
                out[i] = spec.firstKey() + i * step;
            }
            return out;
        }
        if (spec.keySpecs().isEmpty()) {
            return NONE;
        }
        List<KeyFinder.Found> found = KeyFinder.find(spec, argv);
        return found == null ? NONE : found.stream().mapToInt(KeyFinder.Found::position).toArray();
    }

    /** The keys of a command line, in order (as they are in it: user or stored keys). */
    static List<byte[]> keys(CommandSpec spec, List<byte[]> argv) {
        int[] at = positions(spec, argv);
        List<byte[]> keys = new ArrayList<>(at.length);
        for (int i : at) {
            keys.add(argv.get(i));
        }
        return keys;
    }

    /** Just the rewritten command line, for a command that runs now. */
    static List<byte[]> argv(CommandSpec spec, List<byte[]> argv, int namespace) {
        return rewrite(spec, argv, namespace).argv();
    }

    static Rewritten rewrite(CommandSpec spec, List<byte[]> argv, int namespace) {
        int[] at = positions(spec, argv);
        if (at.length == 0) {
            return new Rewritten(argv, List.of());
        }
        List<byte[]> out = new ArrayList<>(argv);
        List<byte[]> keys = new ArrayList<>(at.length);
        for (int i : at) {
            byte[] k = StoredKey.of(namespace, argv.get(i));
            out.set(i, k);
            keys.add(k);
        }
        return new Rewritten(out, keys);
    }

    /**
     * Moves rewritten keys to another namespace (a queued or blocked command after SWAPDB). Only
     * between databases: cluster mode's slotted namespace is the only one a node serves then.
     */
    static void move(List<byte[]> keys, int namespace) {
        for (byte[] k : keys) {
            k[0] = (byte) namespace;
        }
    }
}
