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

    /** Just the rewritten command line, for a command that runs now. */
    static List<byte[]> argv(CommandSpec spec, List<byte[]> argv, int namespace) {
        if (spec.firstKey() > 0 && !spec.has(CommandFlag.MOVABLEKEYS)) {
            int argc = argv.size();
            int last = spec.lastKey() < 0 ? argc + spec.lastKey() : Math.min(spec.lastKey(), argc - 1);
            if (last < spec.firstKey()) {
                return argv;
            }
            List<byte[]> out = new ArrayList<>(argv);
            for (int i = spec.firstKey(); i <= last; i += Math.max(1, spec.step())) {
                out.set(i, StoredKey.of(namespace, argv.get(i)));
            }
            return out;
        }
        return rewrite(spec, argv, namespace).argv();
    }

    static Rewritten rewrite(CommandSpec spec, List<byte[]> argv, int namespace) {
        List<byte[]> out = null;
        List<byte[]> keys = List.of();
        int argc = argv.size();
        if (spec.firstKey() > 0 && !spec.has(CommandFlag.MOVABLEKEYS)) {
            int last = spec.lastKey() < 0 ? argc + spec.lastKey() : Math.min(spec.lastKey(), argc - 1);
            for (int i = spec.firstKey(); i <= last; i += Math.max(1, spec.step())) {
                if (out == null) {
                    out = new ArrayList<>(argv);
                    keys = new ArrayList<>(4);
                }
                byte[] k = StoredKey.of(namespace, argv.get(i));
                out.set(i, k);
                keys.add(k);
            }
        } else if (!spec.keySpecs().isEmpty()) {
            List<KeyFinder.Found> found = KeyFinder.find(spec, argv);
            if (found != null && !found.isEmpty()) {
                out = new ArrayList<>(argv);
                keys = new ArrayList<>(found.size());
                for (KeyFinder.Found f : found) {
                    byte[] k = StoredKey.of(namespace, argv.get(f.position()));
                    out.set(f.position(), k);
                    keys.add(k);
                }
            }
        }
        return out == null ? new Rewritten(argv, List.of()) : new Rewritten(out, keys);
    }

    /** Moves rewritten keys to another namespace (a queued or blocked command after SWAPDB). */
    static void move(List<byte[]> keys, int namespace) {
        for (byte[] k : keys) {
            k[0] = (byte) namespace;
        }
    }
}
