package io.rockhub.resp.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ACL against Debian's redis-server: the same seeded sequence of ACL SETUSER rule strings (valid,
 * invalid, selectors split over arguments, password hashes), GETUSER, LIST, DELUSER, DRYRUN, CAT,
 * LOG, and commands run by a connection authenticated as those users (reads, writes, key patterns
 * with read/write permissions, channels, admin commands, scripts, MULTI), every reply compared.
 *
 * <p>Normalised, because they differ between two Redis servers too: the order of the single-command
 * rules at the end of a description (Redis walks a hash table), ACL CAT's order, ACL LOG's ages and
 * client lines, GENPASS's random characters.
 */
class AclDifferentialTest {
    private static final String HASH_P2 = "ec6e4cf5c3cb2aa1d1e7a8a5b5a1cbd7a7b1b1d0f1e0c6b9a0e0c1d2e3f4a5b6";
    private static final List<String> RULES = List.of("on", "off", ">p1", ">p2", "<p1", "<nosuch", "nopass", "resetpass",
            "~*", "~k*", "%R~k1", "%W~k2", "%RW~h", "%X~bad", "resetkeys", "allkeys", "&*", "&ch*", "&news",
            "resetchannels", "allchannels", "+@all", "-@all", "allcommands", "nocommands", "+@read", "-@write",
            "+@hash", "+@nonexistent", "+get", "-get", "+set", "+config|get", "-config|set", "+config|nosuch",
            "+select|0", "+config|get|x", "+nosuchcmd", "~a b", "(~k1 +get)", "(&ch* +publish ~*)", "(~k2",
            "+@string)", "clearselectors", "reset", "#" + HASH_P2, "#bad", "!" + HASH_P2, "sanitize-payload",
            "skip-sanitize-payload", "+@pubsub", "-@dangerous", "+@keyspace", "-debug", "+acl|whoami", "+migrate",
            "-cluster", "+cluster|info", "-@keyspace", "+@admin");
    private static final List<List<String>> COMMANDS = List.of(
            List.of("GET", "k1"), List.of("SET", "k2", "v"), List.of("GET", "k2"), List.of("SET", "k1", "v"),
            List.of("HSET", "h", "f", "v"), List.of("HGET", "h", "f"), List.of("LPUSH", "list", "a"),
            List.of("PUBLISH", "ch1", "m"), List.of("PUBLISH", "news", "m"), List.of("CONFIG", "GET", "maxclients"),
            List.of("PING"), List.of("ECHO", "x"), List.of("DBSIZE"), List.of("MGET", "k1", "k2"),
            List.of("COPY", "k1", "k2"), List.of("APPEND", "k1", "x"), List.of("STRLEN", "k2"),
            List.of("EVAL", "return redis.call('get', KEYS[1])", "1", "k1"),
            List.of("EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "k2"),
            List.of("EVAL", "return redis.call('publish', 'news', 'x')", "0"),
            List.of("ACL", "WHOAMI"), List.of("ACL", "LIST"), List.of("SELECT", "0"), List.of("SELECT", "1"));

    @Test
    void aclRulesUsersAndRefusalsAnswerAsRedisDoes() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            // ACL CAT is compared over Redis's commands: RockHub's own (COMPACT, ...) are its extras.
            java.util.Set<String> redis = commandNames(servers.redisPort());
            List<String> expected = transcript(servers.redisPort(), new Random(seed), redis);
            List<String> actual = transcript(servers.rockhubPort(), new Random(seed), redis);
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                assertThat(actual.get(i)).as("step %d of seed %d (rerun with -Dseed=%d), after %s", i, seed, seed,
                        expected.subList(Math.max(0, i - 6), i)).isEqualTo(expected.get(i));
            }
            assertThat(actual).hasSameSizeAs(expected);
            assertThat(String.join("\n", expected)).as("the sequence reached refusals (seed %d)", seed).contains("NOPERM");
        }
    }

    private static java.util.Set<String> commandNames(int port) throws IOException {
        try (RawClient c = new RawClient(port)) {
            java.util.Set<String> names = new java.util.HashSet<>();
            String[] lines = c.call("COMMAND", "LIST").split("\r\n");
            for (int i = 2; i < lines.length; i += 2) {
                names.add(lines[i]);
            }
            return names;
        }
    }

    private static List<String> transcript(int port, Random random, java.util.Set<String> commands) throws IOException {
        List<String> t = new ArrayList<>();
        String[] users = {"alice", "bob", "carol"};
        try (RawClient admin = new RawClient(port)) {
            admin.call("SET", "k1", "v1");
            admin.call("SET", "k2", "v2");
            RawClient as = null;
            String asUser = null;
            for (int step = 0; step < 250; step++) {
                String user = users[random.nextInt(users.length)];
                int kind = random.nextInt(12);
                String out;
                if (kind <= 2) {
                    List<String> cmd = new ArrayList<>(List.of("ACL", "SETUSER", user));
                    if (random.nextInt(5) < 2) {
                        cmd.addAll(List.of("on", ">p1")); // users that can log in, so their commands get checked
                    }
                    int n = 1 + random.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        cmd.add(RULES.get(random.nextInt(RULES.size())));
                    }
                    out = String.join(" ", cmd) + " => " + admin.call(cmd.toArray(String[]::new));
                } else if (kind == 3) {
                    out = "GETUSER " + user + " => " + normalise(admin.call("ACL", "GETUSER", user));
                } else if (kind == 4) {
                    out = "LIST => " + normalise(admin.call("ACL", "LIST"));
                } else if (kind == 5 && random.nextInt(4) == 0) {
                    out = "DELUSER " + user + " => " + admin.call("ACL", "DELUSER", user);
                } else if (kind == 6) {
                    List<String> cmd = new ArrayList<>(List.of("ACL", "DRYRUN", user));
                    cmd.addAll(random.nextInt(5) == 0 ? List.of("SUBSCRIBE", "news", "ch9")
                            : random.nextInt(4) == 0 ? List.of("PSUBSCRIBE", "ch*") : COMMANDS.get(random.nextInt(COMMANDS.size())));
                    out = String.join(" ", cmd) + " => " + admin.call(cmd.toArray(String[]::new));
                } else if (kind == 7) {
                    if (as != null) {
                        as.close();
                    }
                    as = new RawClient(port);
                    asUser = user;
                    String pass = random.nextBoolean() ? "p1" : "p2";
                    out = "AUTH " + user + " " + pass + " => " + as.call("AUTH", user, pass) + " whoami "
                            + as.call("ACL", "WHOAMI");
                } else if (kind <= 9 && as != null) {
                    List<String> cmd = COMMANDS.get(random.nextInt(COMMANDS.size()));
                    String reply;
                    try {
                        if (random.nextInt(6) == 0) {
                            reply = as.call("MULTI") + as.call(cmd.toArray(String[]::new));
                            if (random.nextBoolean()) {
                                // The rules change between queueing and EXEC.
                                String rule = RULES.get(random.nextInt(RULES.size()));
                                reply += "[SETUSER " + rule + " " + admin.call("ACL", "SETUSER", asUser, rule) + "]";
                            }
                            reply += as.call("EXEC");
                        } else {
                            reply = as.call(cmd.toArray(String[]::new));
                        }
                    } catch (IOException closed) {
                        reply = "connection closed";
                        as = null;
                    }
                    out = "as " + asUser + ": " + String.join(" ", cmd) + " => "
                            + (cmd.get(0).equals("ACL") ? normalise(reply) : reply);
                } else if (kind == 10) {
                    out = "LOG => " + log(admin.call("ACL", "LOG", "5"));
                } else {
                    String category = random.nextInt(5) == 0 ? "nosuch" : AclCommandSet.CATEGORIES.get(
                            random.nextInt(AclCommandSet.CATEGORIES.size()));
                    out = "CAT " + category + " => " + sortedLines(admin.call("ACL", "CAT", category), commands);
                }
                t.add(out);
            }
            t.add("USERS => " + admin.call("ACL", "USERS"));
            t.add("GENPASS => " + admin.call("ACL", "GENPASS", "13").length() + " " + admin.call("ACL", "GENPASS", "0"));
            if (as != null) {
                as.close();
            }
        }
        return t;
    }

    /** A reply with ACL descriptions: each description's single-command rules sorted (their order is Redis's hash order). */
    static String normalise(String reply) {
        StringBuilder out = new StringBuilder();
        for (String line : reply.split("\r\n", -1)) {
            out.append(line.contains("@all") ? sortRules(line) : line).append("\r\n");
        }
        return out.toString();
    }

    private static String sortRules(String description) {
        // "user x on ~* resetchannels -@all +@read +get -set (~k1 -@all +set +get)": each run of
        // single-command rules sorted; a run ends where a selector's parenthesis closes.
        List<String> words = new ArrayList<>(Arrays.asList(description.split(" ", -1)));
        int i = 0;
        while (i < words.size()) {
            if (!isSingle(words.get(i))) {
                i++;
                continue;
            }
            int j = i;
            boolean closes = false;
            while (j < words.size() && isSingle(words.get(j))) {
                closes = words.get(j).endsWith(")");
                j++;
                if (closes) {
                    break;
                }
            }
            List<String> run = new ArrayList<>();
            for (String w : words.subList(i, j)) {
                run.add(w.endsWith(")") ? w.substring(0, w.length() - 1) : w);
            }
            run.sort(String::compareTo);
            for (int k = i; k < j; k++) {
                words.set(k, run.get(k - i) + (closes && k == j - 1 ? ")" : ""));
            }
            i = j;
        }
        return String.join(" ", words);
    }

    private static boolean isSingle(String w) {
        String bare = w.endsWith(")") ? w.substring(0, w.length() - 1) : w;
        return (bare.startsWith("+") || bare.startsWith("-")) && !bare.startsWith("+@") && !bare.startsWith("-@");
    }

    private static String sortedLines(String reply, java.util.Set<String> commands) {
        if (!reply.startsWith("*")) {
            return reply;
        }
        String[] lines = reply.split("\r\n");
        List<String> items = new ArrayList<>();
        for (int i = 2; i < lines.length; i += 2) {
            if (commands.contains(lines[i])) {
                items.add(lines[i]);
            }
        }
        items.sort(String::compareTo);
        return items.toString();
    }

    /** ACL LOG without its ages and client lines (ids, ports and ages differ by construction). */
    private static String log(String reply) {
        String[] lines = reply.split("\r\n");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.equals("age-seconds") || l.equals("client-info")) {
                out.append(l).append(" <varies> ");
                i += l.equals("age-seconds") ? 2 : 2; // its value: a length line and the text, or a double
                continue;
            }
            out.append(l).append(' ');
        }
        return out.toString();
    }
}
