package io.rockhub.resp.pubsub;

import io.rockhub.core.encoding.StoredKey;
import io.rockhub.core.storage.GroupCommitter;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.types.Databases;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Publishes keyspace events ({@code notify-keyspace-events}) once the writes that caused them are
 * durable: a subscriber never hears of a change that a crash could still undo. Events wait here in
 * commit order; after each WAL sync, and before the sync makes its new durable point visible to
 * anyone, the group commit hands this notifier the synced sequence and the events up to it go out.
 * So a reply released for a write (which needs that durable point) always follows the write's
 * events, as in Redis; an event committed after the hook already passed its sequence goes out at
 * once, on the committing thread, before that command's reply is even written.
 */
public final class KeyspaceNotifier implements KeyEvent.Sink {
    private record Pending(long sequence, List<KeyEvent> events) {
    }

    private static final Runnable NOTHING = () -> { };

    private final PubSub pubsub;
    private final Databases databases;
    private final GroupCommitter committer;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Every event of a write at or below this sequence is out (guarded by {@link #pending}). */
    private long publishedThrough;
    private volatile int flags;

    public KeyspaceNotifier(PubSub pubsub, Databases databases, GroupCommitter committer) {
        this.pubsub = pubsub;
        this.databases = databases;
        this.committer = committer;
        this.publishedThrough = committer.durableSequence();
        committer.beforeRelease(this::synced);
    }

    public void flags(int flags) {
        this.flags = flags;
    }

    @Override
    public void committed(long sequence, List<KeyEvent> events) {
        synchronized (pending) {
            if (sequence <= publishedThrough) {
                events.forEach(this::publish);
                return;
            }
            pending.add(new Pending(sequence, events));
        }
        // A write with no client waiting for its reply (the expiry sweeper) still needs a sync round.
        committer.whenDurable(sequence, NOTHING);
    }

    /** Publishes an event that no write caused (a key miss): at once. */
    public void publishNow(KeyEvent e) {
        synchronized (pending) {
            publish(e);
        }
    }

    /** On the sync thread: the WAL is durable through {@code target}. */
    private void synced(long target) {
        synchronized (pending) {
            while (!pending.isEmpty() && pending.peekFirst().sequence() <= target) {
                pending.pollFirst().events().forEach(this::publish);
            }
            publishedThrough = Math.max(publishedThrough, target);
        }
    }

    private void publish(KeyEvent e) {
        int f = flags;
        byte[] key = StoredKey.user(e.storedKey());
        int db = databases.database(StoredKey.namespace(e.storedKey()));
        if ((f & KeyEvent.KEYSPACE) != 0) {
            byte[] prefix = ("__keyspace@" + db + "__:").getBytes(StandardCharsets.US_ASCII);
            byte[] channel = new byte[prefix.length + key.length];
            System.arraycopy(prefix, 0, channel, 0, prefix.length);
            System.arraycopy(key, 0, channel, prefix.length, key.length);
            pubsub.publish(channel, e.event().getBytes(StandardCharsets.US_ASCII), null);
        }
        if ((f & KeyEvent.KEYEVENT) != 0) {
            pubsub.publish(("__keyevent@" + db + "__:" + e.event()).getBytes(StandardCharsets.US_ASCII), key, null);
        }
    }
}
