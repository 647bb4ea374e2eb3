package io.rockhub.resp.pubsub;

import io.rockhub.core.config.ClientBufferLimits;
import io.rockhub.core.time.Clock;
import io.rockhub.core.util.Glob;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Channels, patterns and shard channels with their subscribers, and publishing to them.
 *
 * <p>One lock orders every publish and subscription change: connections run on several event
 * loops, and Redis's single thread gives every subscriber the same order of messages, which
 * clients rely on. Holding it costs a queue append per receiver; the writes to sockets happen
 * later on each subscriber's own event loop ({@link Subscriber}). Publishing writes nothing to
 * storage: a message is delivered to whoever is subscribed now, at most once, as in Redis.
 */
public final class PubSub {
    /** Told of every message published here, in publish order (replication forwards them to replicas). */
    public interface Listener {
        void published(boolean shard, byte[] channel, byte[] message);
    }

    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PMESSAGE = "pmessage".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SMESSAGE = "smessage".getBytes(StandardCharsets.US_ASCII);

    private final Object lock = new Object();
    private final Map<ByteBuffer, Set<Subscriber>> channels = new HashMap<>();
    private final Map<ByteBuffer, Set<Subscriber>> patterns = new HashMap<>();
    private final Map<ByteBuffer, Set<Subscriber>> shardChannels = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private volatile ClientBufferLimits.Limit limit;

    public PubSub(Clock clock, ClientBufferLimits limits) {
        this.clock = clock;
        limits(limits);
    }

    /** Applies {@code client-output-buffer-limit}'s pubsub class to every subscriber from now on. */
    public void limits(ClientBufferLimits limits) {
        this.limit = limits.of(ClientBufferLimits.ClientClass.PUBSUB);
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** What a subscription request did: whether it was new, and the count to confirm. */
    public record Change(boolean changed, int count) {
    }

    public enum Kind { CHANNEL, PATTERN, SHARD }

    /** Subscribes {@code s} to a channel, pattern or shard channel; the count is the one Redis confirms. */
    public Change subscribe(Subscriber s, Kind kind, byte[] name) {
        ByteBuffer k = ByteBuffer.wrap(name.clone());
        synchronized (lock) {
            boolean added = own(s, kind).add(k);
            if (added) {
                registry(kind).computeIfAbsent(k, x -> new LinkedHashSet<>()).add(s);
                s.recount();
            }
            return new Change(added, count(s, kind));
        }
    }

    public Change unsubscribe(Subscriber s, Kind kind, byte[] name) {
        ByteBuffer k = ByteBuffer.wrap(name);
        synchronized (lock) {
            boolean removed = own(s, kind).remove(k);
            if (removed) {
                Map<ByteBuffer, Set<Subscriber>> reg = registry(kind);
                Set<Subscriber> subs = reg.get(k);
                if (subs != null && subs.remove(s) && subs.isEmpty()) {
                    reg.remove(k);
                }
                s.recount();
            }
            return new Change(removed, count(s, kind));
        }
    }

    /** The names {@code s} holds of one kind, in subscription order (what UNSUBSCRIBE without arguments drops). */
    public List<byte[]> subscriptions(Subscriber s, Kind kind) {
        synchronized (lock) {
            List<byte[]> out = new ArrayList<>();
            for (ByteBuffer b : own(s, kind)) {
                out.add(b.array());
            }
            return out;
        }
    }

    /** Drops every subscription of a client that disconnected or ran RESET. */
    public void unsubscribeAll(Subscriber s) {
        for (Kind kind : Kind.values()) {
            for (byte[] name : subscriptions(s, kind)) {
                unsubscribe(s, kind, name);
            }
        }
    }

    /**
     * Delivers a message to the channel's subscribers, then to every subscriber of a matching
     * pattern (one delivery per matching pattern, as Redis), and returns how many deliveries.
     *
     * @param publisher the publishing connection's subscriber state when it has one, else null
     */
    public int publish(byte[] channel, byte[] message, Subscriber publisher) {
        synchronized (lock) {
            int receivers = 0;
            long now = clock.millis();
            ClientBufferLimits.Limit l = limit;
            Set<Subscriber> subs = channels.get(ByteBuffer.wrap(channel));
            Set<Subscriber> toDrain = new java.util.LinkedHashSet<>();
            if (subs != null) {
                Frames f = new Frames(frame(MESSAGE, null, channel, message));
                for (Subscriber s : subs) {
                    if (s.enqueue(f.forProtocol(s.protocol()), l, now, publisher)) {
                        toDrain.add(s);
                    }
                    receivers++;
                }
            }
            for (Map.Entry<ByteBuffer, Set<Subscriber>> e : patterns.entrySet()) {
                byte[] pattern = e.getKey().array();
                if (!Glob.matches(pattern, channel, false)) {
                    continue;
                }
                Frames f = new Frames(frame(PMESSAGE, pattern, channel, message));
                for (Subscriber s : e.getValue()) {
                    if (s.enqueue(f.forProtocol(s.protocol()), l, now, publisher)) {
                        toDrain.add(s);
                    }
                    receivers++;
                }
            }
            toDrain.forEach(Subscriber::scheduleDrain);
            for (Listener listener : listeners) {
                listener.published(false, channel, message);
            }
            return receivers;
        }
    }

    /** SPUBLISH: delivers to the shard channel's subscribers only. */
    public int publishShard(byte[] channel, byte[] message, Subscriber publisher) {
        synchronized (lock) {
            int receivers = 0;
            Set<Subscriber> subs = shardChannels.get(ByteBuffer.wrap(channel));
            if (subs != null) {
                long now = clock.millis();
                ClientBufferLimits.Limit l = limit;
                Frames f = new Frames(frame(SMESSAGE, null, channel, message));
                for (Subscriber s : subs) {
                    s.deliver(f.forProtocol(s.protocol()), l, now, publisher);
                    receivers++;
                }
            }
            for (Listener listener : listeners) {
                listener.published(true, channel, message);
            }
            return receivers;
        }
    }

    /** Channels (or shard channels) with at least one subscriber, optionally matching a pattern. */
    public List<byte[]> activeChannels(boolean shard, byte[] pattern) {
        synchronized (lock) {
            List<byte[]> out = new ArrayList<>();
            for (ByteBuffer k : (shard ? shardChannels : channels).keySet()) {
                if (pattern == null || Glob.matches(pattern, k.array(), false)) {
                    out.add(k.array());
                }
            }
            return out;
        }
    }

    /** How many clients subscribe to a channel (or shard channel). */
    public int subscriberCount(boolean shard, byte[] channel) {
        synchronized (lock) {
            Set<Subscriber> subs = (shard ? shardChannels : channels).get(ByteBuffer.wrap(channel));
            return subs == null ? 0 : subs.size();
        }
    }

    /** INFO's pubsub_channels, pubsub_patterns and pubsubshard_channels. */
    public int channelCount() {
        synchronized (lock) {
            return channels.size();
        }
    }

    public int patternCount() {
        synchronized (lock) {
            return patterns.size();
        }
    }

    public int shardChannelCount() {
        synchronized (lock) {
            return shardChannels.size();
        }
    }

    private Set<ByteBuffer> own(Subscriber s, Kind kind) {
        return switch (kind) {
            case CHANNEL -> s.channels;
            case PATTERN -> s.patterns;
            case SHARD -> s.shardChannels;
        };
    }

    private Map<ByteBuffer, Set<Subscriber>> registry(Kind kind) {
        return switch (kind) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    private static int count(Subscriber s, Kind kind) {
        return kind == Kind.SHARD ? s.shardChannels.size() : s.channels.size() + s.patterns.size();
    }

    /** {@code *3 $7 message $ch $msg} (or {@code *4 ... pmessage $pattern ...}), as RESP2 frames it. */
    static byte[] frame(byte[] kind, byte[] pattern, byte[] channel, byte[] message) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(32 + channel.length + message.length
                + (pattern == null ? 0 : pattern.length + 12));
        header(b, '*', pattern == null ? 3 : 4);
        bulk(b, kind);
        if (pattern != null) {
            bulk(b, pattern);
        }
        bulk(b, channel);
        bulk(b, message);
        return b.toByteArray();
    }

    private static void header(java.io.ByteArrayOutputStream b, char type, long n) {
        b.write(type);
        b.writeBytes(Long.toString(n).getBytes(StandardCharsets.US_ASCII));
        b.write('\r');
        b.write('\n');
    }

    private static void bulk(java.io.ByteArrayOutputStream b, byte[] v) {
        header(b, '$', v.length);
        b.writeBytes(v);
        b.write('\r');
        b.write('\n');
    }

    /** One message framed for RESP2 ({@code *}) and, made when first needed, RESP3 ({@code >}). */
    private static final class Frames {
        private final byte[] resp2;
        private byte[] resp3;

        Frames(byte[] resp2) {
            this.resp2 = resp2;
        }

        byte[] forProtocol(int protocol) {
            if (protocol < 3) {
                return resp2;
            }
            if (resp3 == null) {
                resp3 = resp2.clone();
                resp3[0] = '>';
            }
            return resp3;
        }
    }
}
