package io.rockhub.resp.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rockhub.resp.command.CommandDoc;
import io.rockhub.resp.command.CommandDocs;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.Resp;
import io.rockhub.resp.testing.RespTree;
import io.rockhub.resp.testing.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * COMMAND DOCS and COMMAND LIST against Redis 7.0: every command is documented, and the docs match
 * Redis's in every field but the prose (summary, complexity, history notes, replacement), which is
 * RockHub's own.
 */
class CommandDocsTest {
    /** Served by RockHub but not by Redis 7.0 (CLIENT SETINFO is 7.2's), so not compared. */
    private static final Set<String> NOT_IN_REFERENCE = Set.of("client|setinfo", "client|no-touch", "hub.deadletter", "replfetch",
            "hub.digest", "compact", "clusterx", "clusterx|setnodeid", "clusterx|setnodes", "clusterx|version", "clusterx|lease",
            "clusterx|migrate", "clusterx|migration", "clusterx|import", "clusterx|dropslots", "clusterx|failover-requested");

    @Test
    void everyCommandAndSubcommandHasDocsAndNoDocsAreStale() throws Exception {
        try (TestServer hub = TestServer.start(); RawClient h = new RawClient(hub.port())) {
            Set<String> served = served(h);
            CommandDocs docs = CommandDocs.builtIn();
            for (String name : served) {
                CommandDoc d = docs.get(name);
                assertNotNull(d, name + " has no entry in command-docs.txt");
                assertFalse(d.summary().isBlank(), name);
                assertTrue(d.complexity() == null || !d.complexity().isBlank(), name);
            }
            @SuppressWarnings("unchecked")
            List<Object> all = (List<Object>) Resp.parse(h.call("COMMAND", "DOCS"));
            Set<String> documented = new HashSet<>();
            for (int i = 0; i < all.size(); i += 2) {
                documented.add((String) all.get(i));
            }
            assertEquals(topLevel(served), documented, "COMMAND DOCS without names documents every command");
        }
    }

    @Test
    void docsMatchRedisExceptForTheProse() throws Exception {
        try (RealRedis redis = RealRedis.start(); TestServer hub = TestServer.start();
             RawClient r = new RawClient(redis.port()); RawClient h = new RawClient(hub.port())) {
            Set<String> served = served(h);
            r.call("HELLO", "3");
            h.call("HELLO", "3");
            int compared = 0;
            for (String name : served) {
                if (NOT_IN_REFERENCE.contains(name)) {
                    continue;
                }
                String ours = withoutProse(RespTree.parse(h.call("COMMAND", "DOCS", name)));
                String theirs = withoutProse(RespTree.parse(r.call("COMMAND", "DOCS", name)));
                assertEquals(theirs, ours, "COMMAND DOCS " + name);
                compared++;
            }
            assertEquals(served.size() - NOT_IN_REFERENCE.size(), compared);
            // A container lists exactly the subcommands we serve, each documented in place.
            RespTree client = RespTree.parse(h.call("COMMAND", "DOCS", "client"));
            Set<String> subs = new TreeSet<>();
            client.rewriteMapEntries((key, value) -> {
                if ("subcommands".equals(key)) {
                    for (int i = 0; i < value.children().size(); i += 2) {
                        subs.add(value.children().get(i).text());
                    }
                }
                return value;
            });
            Set<String> expected = new TreeSet<>();
            for (String n : served) {
                if (n.startsWith("client|")) {
                    expected.add(n);
                }
            }
            assertEquals(expected, subs);
            // Unknown names are skipped, names are case-insensitive, the key is the canonical name.
            assertEquals(r.call("COMMAND", "DOCS", "nosuch", "client|nosuch"),
                    h.call("COMMAND", "DOCS", "nosuch", "client|nosuch"));
            assertEquals(withoutProse(RespTree.parse(r.call("COMMAND", "DOCS", "GET", "Client|List"))),
                    withoutProse(RespTree.parse(h.call("COMMAND", "DOCS", "GET", "Client|List"))));
        }
    }

    @Test
    void docsInResp2AreFlatArrays() throws Exception {
        try (TestServer hub = TestServer.start(); RawClient h = new RawClient(hub.port())) {
            @SuppressWarnings("unchecked")
            List<Object> set = (List<Object>) Resp.parse(h.call("COMMAND", "DOCS", "set"));
            assertEquals("set", set.get(0));
            @SuppressWarnings("unchecked")
            List<Object> fields = (List<Object>) set.get(1);
            assertEquals(List.of("summary", "since", "group", "complexity", "history", "arguments"),
                    List.of(fields.get(0), fields.get(2), fields.get(4), fields.get(6), fields.get(8), fields.get(10)));
            assertEquals("1.0.0", fields.get(3));
        }
    }

    @Test
    void commandListNamesSubcommandsAndFiltersAsRedis() throws Exception {
        try (RealRedis redis = RealRedis.start(); TestServer hub = TestServer.start();
             RawClient r = new RawClient(redis.port()); RawClient h = new RawClient(hub.port())) {
            Set<String> oursAll = names(h.call("COMMAND", "LIST"));
            Set<String> theirsAll = names(r.call("COMMAND", "LIST"));
            assertEquals(served(h), oursAll);
            List<String[]> filters = new ArrayList<>();
            for (String cat : List.of("string", "KEYSPACE", "stream", "admin", "dangerous", "fast", "nope", "")) {
                filters.add(new String[] {"ACLCAT", cat});
            }
            for (String p : List.of("client*", "X*", "*|*", "z?ange*", "[a-c]*", "nomatch", "*")) {
                filters.add(new String[] {"PATTERN", p});
            }
            filters.add(new String[] {"MODULE", "json"});
            for (String[] f : filters) {
                Set<String> ours = names(h.call("COMMAND", "LIST", "FILTERBY", f[0], f[1]));
                Set<String> theirs = names(r.call("COMMAND", "LIST", "FILTERBY", f[0], f[1]));
                ours.retainAll(theirsAll);
                theirs.retainAll(oursAll);
                assertEquals(theirs, ours, "COMMAND LIST FILTERBY " + f[0] + " " + f[1]);
            }
            for (String[] bad : List.of(new String[] {"COMMAND", "LIST", "FILTERBY"},
                    new String[] {"COMMAND", "LIST", "foo"},
                    new String[] {"COMMAND", "LIST", "FILTERBY", "PATTERN"},
                    new String[] {"COMMAND", "LIST", "FILTERBY", "PATTERN", "x", "y"},
                    new String[] {"COMMAND", "LIST", "FILTERBY", "NOPE", "x"})) {
                assertEquals(r.call(bad), h.call(bad), String.join(" ", bad));
            }
            assertTrue(oursAll.contains("xgroup|create"));
        }
    }

    /** Every command and subcommand the server's COMMAND reply names. */
    @SuppressWarnings("unchecked")
    private static Set<String> served(RawClient h) throws Exception {
        Set<String> names = new TreeSet<>();
        for (Object o : (List<Object>) Resp.parse(h.call("COMMAND"))) {
            List<Object> info = (List<Object>) o;
            names.add((String) info.get(0));
            for (Object sub : (List<Object>) info.get(9)) {
                names.add((String) ((List<Object>) sub).get(0));
            }
        }
        return names;
    }

    private static Set<String> topLevel(Set<String> names) {
        Set<String> top = new HashSet<>();
        for (String n : names) {
            if (!n.contains("|")) {
                top.add(n);
            }
        }
        return top;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> names(String reply) {
        return new TreeSet<>((List<String>) Resp.parse(reply));
    }

    /** The reply with our own words blanked and subcommands left to their own comparison. */
    private static String withoutProse(RespTree docs) {
        return docs.rewriteMapEntries((key, value) -> {
            if (key == null) {
                return value;
            }
            switch (key) {
                case "subcommands":
                    return null;
                case "summary":
                case "complexity":
                case "replaced_by":
                    return RespTree.bulk("...");
                case "history": {
                    List<RespTree> entries = new ArrayList<>();
                    for (RespTree entry : value.children()) {
                        entries.add(entry.withChildren(List.of(entry.children().get(0), RespTree.bulk("..."))));
                    }
                    return value.withChildren(entries);
                }
                default:
                    return value;
            }
        }).canonical(RespTree.Order.EXACT);
    }
}
