package io.rockhub.resp.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import io.rockhub.resp.testing.RespTree;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random Pub/Sub sessions sent to Debian's redis-server and to RockHub: four connections
 * (RESP2 and RESP3, switching with HELLO and RESET) subscribe, unsubscribe and publish, with
 * invalid arguments, commands refused in subscribed mode and pattern edge cases (MULTI is left to
 * {@code PubSubTest}: a PING sent to synchronise would be queued). After every
 * command each connection is synchronised with a PING, and everything it received (replies and
 * messages) must be the same bytes on both servers. Replay a failure with -Drockhub.diff.seed=N.
 */
class PubSubDifferentialTest {
    private static final int CONNECTIONS = 4;
    private static final String[] CHANNELS = {"a", "b", "ab", "news.1", "news.2", "h?llo", "x*y", "", "ch:1", "[a]"};
    private static final String[] PATTERNS = {"a*", "news.*", "*", "?b", "[ab]*", "h[^e]llo", "x\\*y", "[a-", "*.1",
        "[a]", "b", "news.[0-9]", "\\"};

    @Test
    void pubSubSessionsMatchRedis() throws Exception {
        long seed = Long.getLong("rockhub.diff.seed", System.nanoTime());
        int ops = Integer.getInteger("rockhub.diff.ops", 20_000);
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            List<RawClient> redis = new ArrayList<>();
            List<RawClient> hub = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    redis.add(new RawClient(servers.redisPort()));
                    hub.add(new RawClient(servers.rockhubPort()));
                }
                Random random = new Random(seed);
                for (int op = 0; op < ops; op++) {
                    int who = random.nextInt(CONNECTIONS);
                    String[] command = command(random);
                    redis.get(who).send(command);
                    hub.get(who).send(command);
                    // The sender first: once its reply is in, its command has run. Connections on
                    // different event loops are not ordered by when their bytes were sent.
                    for (int k = 0; k < CONNECTIONS; k++) {
                        int c = (who + k) % CONNECTIONS;
                        String[] sent = c == who ? command : null;
                        String expected = received(redis.get(c), sent);
                        String actual = received(hub.get(c), sent);
                        assertEquals(expected, actual, "seed " + seed + ", operation " + op + ": connection " + who
                                + " sent " + String.join(" ", command) + "; connection " + c + " received");
                    }
                }
            } finally {
                for (RawClient c : redis) {
                    c.close();
                }
                for (RawClient c : hub) {
                    c.close();
                }
            }
        }
    }

    /**
     * Everything a connection received up to the reply of a PING sent now (messages published to
     * it come before, as a command's reply follows what was published earlier), in canonical form.
     */
    private static String received(RawClient c, String[] sent) throws Exception {
        c.send("PING", "sync");
        List<RespTree> frames = new ArrayList<>();
        List<String> raws = new ArrayList<>();
        while (true) {
            String raw = c.readReply();
            RespTree t = RespTree.parse(raw);
            if (isPingReply(t)) {
                break;
            }
            frames.add(t);
            raws.add(raw);
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < frames.size()) {
            RespTree t = frames.get(i);
            int end = i + 1;
            if (isUnsubscribe(t)) {
                while (end < frames.size() && isUnsubscribe(frames.get(end))) {
                    end++;
                }
                out.append(unsubscribeRun(frames.subList(i, end)));
            } else if (isPmessage(t)) {
                while (end < frames.size() && sameMessage(t, frames.get(end))) {
                    end++;
                }
                out.append(sortedRun(frames.subList(i, end)));
            } else if (sent != null && sent[0].equals("HELLO") && !raws.get(i).startsWith("-")) {
                out.append("(HELLO's server description)"); // its client id differs by server
            } else if (sent != null && sent[0].equals("PUBSUB") && sent[1].endsWith("CHANNELS")) {
                out.append(t.canonical(RespTree.Order.ELEMENTS)); // hash order
            } else {
                out.append(t.canonical(RespTree.Order.EXACT));
            }
            i = end;
        }
        return out.toString();
    }

    private static boolean isPingReply(RespTree t) {
        if ("sync".equals(t.text())) {
            return true; // +PONG would not carry the argument: a bulk "sync" is PING's echo
        }
        return t.children().size() == 2 && "pong".equals(t.children().get(0).text())
                && "sync".equals(t.children().get(1).text());
    }

    private static boolean isUnsubscribe(RespTree t) {
        if (t.children().size() != 3) {
            return false;
        }
        String verb = t.children().get(0).text();
        return "unsubscribe".equals(verb) || "punsubscribe".equals(verb) || "sunsubscribe".equals(verb);
    }

    private static boolean isPmessage(RespTree t) {
        return t.children().size() == 4 && "pmessage".equals(t.children().get(0).text());
    }

    /** Another delivery of the same publish through another pattern. */
    private static boolean sameMessage(RespTree first, RespTree t) {
        return isPmessage(t) && t.children().get(2).text().equals(first.children().get(2).text())
                && t.children().get(3).text().equals(first.children().get(3).text());
    }

    /** One publish reaches a client once per matching pattern, in the server's hash order of patterns. */
    private static String sortedRun(List<RespTree> run) {
        List<String> parts = new ArrayList<>();
        for (RespTree t : run) {
            parts.add(t.canonical(RespTree.Order.EXACT));
        }
        parts.sort(Comparator.naturalOrder());
        return String.join("", parts);
    }

    /**
     * UNSUBSCRIBE without arguments confirms each subscription in the server's hash order: the
     * names of a run of confirmations are compared sorted, each count kept in its place.
     */
    private static String unsubscribeRun(List<RespTree> run) {
        List<RespTree> names = new ArrayList<>();
        for (RespTree t : run) {
            names.add(t.children().get(1));
        }
        names.sort(Comparator.comparing(n -> n.canonical(RespTree.Order.EXACT)));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < run.size(); i++) {
            RespTree t = run.get(i);
            out.append(t.withChildren(List.of(t.children().get(0), names.get(i), t.children().get(2)))
                    .canonical(RespTree.Order.EXACT));
        }
        return out.toString();
    }

    private static String[] command(Random r) {
        int roll = r.nextInt(100);
        if (roll < 14) {
            return withNames(r, "SUBSCRIBE", CHANNELS, 1 + r.nextInt(3));
        } else if (roll < 24) {
            return withNames(r, "PSUBSCRIBE", PATTERNS, 1 + r.nextInt(3));
        } else if (roll < 30) {
            return withNames(r, "SSUBSCRIBE", CHANNELS, 1 + r.nextInt(2));
        } else if (roll < 37) {
            return withNames(r, "UNSUBSCRIBE", CHANNELS, r.nextInt(3));
        } else if (roll < 42) {
            return withNames(r, "PUNSUBSCRIBE", PATTERNS, r.nextInt(3));
        } else if (roll < 45) {
            return withNames(r, "SUNSUBSCRIBE", CHANNELS, r.nextInt(3));
        } else if (roll < 65) {
            return new String[] {"PUBLISH", pick(r, CHANNELS), "m" + r.nextInt(1000)};
        } else if (roll < 70) {
            return new String[] {"SPUBLISH", pick(r, CHANNELS), "s" + r.nextInt(1000)};
        }
        return switch (roll) {
            case 70, 71 -> new String[] {"PUBSUB", "NUMSUB", pick(r, CHANNELS), pick(r, CHANNELS)};
            case 72 -> new String[] {"PUBSUB", "NUMPAT"};
            case 73 -> r.nextBoolean() ? new String[] {"PUBSUB", "CHANNELS"} : new String[] {"PUBSUB", "CHANNELS", pick(r, PATTERNS)};
            case 74 -> new String[] {"PUBSUB", "SHARDCHANNELS", pick(r, PATTERNS)};
            case 75 -> new String[] {"PUBSUB", "SHARDNUMSUB", pick(r, CHANNELS)};
            case 76 -> new String[] {"PING"};
            case 77 -> new String[] {"PING", "hello"};
            case 78 -> new String[] {"GET", "k"};
            case 79 -> new String[] {"SET", "k", "v" + r.nextInt(10)};
            case 80 -> new String[] {"RESET"};
            case 81 -> new String[] {"HELLO", "3"};
            case 82 -> new String[] {"HELLO", "2"};
            case 83 -> new String[] {"PUBLISH", "a"};
            case 84 -> new String[] {"SUBSCRIBE"};
            case 85 -> new String[] {"PUBSUB", "CHANNELS", "a", "b"};
            case 86 -> new String[] {"PUBSUB", "NUMPAT", "x"};
            case 87 -> new String[] {"PUBSUB", "NOPE"};
            case 88 -> new String[] {"PSUBSCRIBE"};
            case 89 -> new String[] {"PING", "a", "b"};
            case 90 -> new String[] {"ECHO"};
            case 91 -> new String[] {"CLIENT", "GETNAME"};
            case 92 -> new String[] {"ECHO", "e"};
            case 93 -> new String[] {"PUBLISH", "news.1", ""};
            case 94 -> new String[] {"SPUBLISH", "a", "x", "y"};
            default -> new String[] {"PUBLISH", pick(r, CHANNELS), "bulk-" + "x".repeat(r.nextInt(200))};
        };
    }

    private static String[] withNames(Random r, String verb, String[] pool, int n) {
        String[] c = new String[n + 1];
        c[0] = verb;
        for (int i = 1; i <= n; i++) {
            c[i] = pick(r, pool);
        }
        return c;
    }

    private static String pick(Random r, String[] pool) {
        return pool[r.nextInt(pool.length)];
    }
}
