package io.rockhub.core.types;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StreamEntryCodec;
import io.rockhub.core.encoding.StreamGroupCodec.GroupRecord;
import io.rockhub.core.encoding.StreamGroupCodec.PendingRecord;
import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.encoding.StreamMeta;
import io.rockhub.core.storage.KeyLocks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RockHub's opt-in dead-letter policy for a consumer group: an entry already delivered N times is,
 * on its next delivery (a history read, XCLAIM or XAUTOCLAIM), appended to the dead-letter stream
 * and acknowledged in the group, in the same batch as the rest of the command. The dead-letter
 * entry carries the original fields followed by where it came from.
 */
final class DeadLetters {
    static final byte[] SOURCE_STREAM = bytes("dead-letter-stream");
    static final byte[] SOURCE_ID = bytes("dead-letter-id");
    static final byte[] SOURCE_GROUP = bytes("dead-letter-group");
    static final byte[] DELIVERIES = bytes("dead-letter-deliveries");

    private final Keyspace keys;
    private final StreamStore streams;

    DeadLetters(Keyspace keys, StreamStore streams) {
        this.keys = keys;
        this.streams = streams;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Locks the stream, and the group's dead-letter stream when it has a policy. The policy is read
     * before locking, so it is read again under the lock and the locking retried if it changed.
     */
    KeyLocks.Held lock(StreamGroups groups, byte[] key, byte[] group) {
        while (true) {
            byte[] target = target(groups, key, group);
            KeyLocks.Held held = target == null ? keys.locks().lock(key) : keys.locks().lock(key, target);
            if (Arrays.equals(target, target(groups, key, group))) {
                return held;
            }
            held.close();
        }
    }

    private static byte[] target(StreamGroups groups, byte[] key, byte[] group) {
        StreamGroups.Located l = groups.locate(key, group);
        return l.status() == Status.OK && l.group().deadLetterAfter() > 0 ? l.group().deadLetterKey() : null;
    }

    Mover mover(GroupEdit e) {
        return new Mover(e);
    }

    /** Moves entries of one command to the dead-letter stream; {@link #finish} stores its metadata. */
    final class Mover {
        private final GroupEdit edit;
        private final long after;
        private final byte[] target;
        private Metadata targetMeta;
        private boolean moved;

        private Mover(GroupEdit edit) {
            this.edit = edit;
            GroupRecord g = edit.record();
            this.after = g.deadLetterAfter();
            this.target = g.deadLetterKey();
            if (after > 0) {
                Result<Metadata> r = keys.collectionForWrite(target, DataType.STREAM);
                // A dead-letter key that holds another type disables the policy rather than the
                // group: the entry is delivered as usual and nothing is lost.
                targetMeta = r.isOk() ? r.value() : null;
            }
        }

        /**
         * Whether delivery number {@code deliveries} of {@code id} goes to the dead-letter stream
         * instead; if so it is appended there and acknowledged here.
         */
        boolean moves(StreamId id, PendingRecord pending, long deliveries, byte[] rawEntry) {
            if (after <= 0 || targetMeta == null || deliveries <= after) {
                return false;
            }
            StreamId dlqId = streams.generatedId(StreamMeta.decode(targetMeta.value()).lastId());
            if (dlqId == null) {
                return false;
            }
            List<byte[]> fields = new ArrayList<>(StreamEntryCodec.decode(rawEntry));
            fields.addAll(List.of(SOURCE_STREAM, io.rockhub.core.encoding.StoredKey.user(edit.key()), SOURCE_ID, bytes(id.toString()), SOURCE_GROUP, edit.group(),
                    DELIVERIES, bytes(Long.toString(deliveries - 1))));
            targetMeta = streams.append(edit.batch(), target, targetMeta, dlqId, fields);
            if (pending != null) {
                edit.removePending(id, pending);
            }
            edit.markChanged();
            moved = true;
            return true;
        }

        void finish() {
            if (moved) {
                keys.store(edit.batch(), target, targetMeta);
            }
        }
    }
}
