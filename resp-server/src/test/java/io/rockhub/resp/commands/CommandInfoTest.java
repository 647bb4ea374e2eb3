package io.rockhub.resp.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.Resp;
import io.rockhub.resp.testing.TestServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Our declarative command table must describe each command as Redis 7.0 does: name, arity,
 * flags, key positions, ACL categories, tips and key specifications.
 */
class CommandInfoTest {
    /** Commands newer than Redis 7.0 that clients send (Jedis 5 sends CLIENT SETINFO). */
    private static final Set<String> NEWER_THAN_REFERENCE = Set.of("client|setinfo", "client|no-touch");
    /** RockHub's own commands, which Redis does not have. */
    private static final Set<String> ROCKHUB_ONLY = Set.of("hub.deadletter", "replfetch", "hub.digest", "compact", "clusterx",
            "clusterx|setnodeid", "clusterx|setnodes", "clusterx|version", "clusterx|lease",
            "clusterx|migrate", "clusterx|migration", "clusterx|import", "clusterx|dropslots", "clusterx|failover-requested");

    @Test
    @SuppressWarnings("unchecked")
    void commandInfoMatchesRedisForEveryCommandWeServe() throws Exception {
        try (RealRedis redis = RealRedis.start(); TestServer hub = TestServer.start();
             RawClient r = new RawClient(redis.port()); RawClient h = new RawClient(hub.port())) {
            List<Object> ours = (List<Object>) Resp.parse(h.call("COMMAND"));
            Map<String, List<Object>> theirs = new HashMap<>();
            for (Object o : (List<Object>) Resp.parse(r.call("COMMAND"))) {
                List<Object> info = (List<Object>) o;
                theirs.put((String) info.get(0), info);
                for (Object sub : (List<Object>) info.get(9)) {
                    theirs.put((String) ((List<Object>) sub).get(0), (List<Object>) sub);
                }
            }
            int compared = 0;
            int entries = 0;
            for (Object o : ours) {
                List<Object> info = (List<Object>) o;
                compared += compare(info, theirs);
                entries++;
                for (Object sub : (List<Object>) info.get(9)) {
                    compared += compare((List<Object>) sub, theirs);
                    entries++;
                }
            }
            assertEquals((long) ours.size(), Resp.parse(h.call("COMMAND", "COUNT")));
            assertEquals(entries - NEWER_THAN_REFERENCE.size() - ROCKHUB_ONLY.size(), compared,
                    "every entry but the newer ones and RockHub's own compared");
        }
    }

    private static int compare(List<Object> ours, Map<String, List<Object>> theirs) {
        String name = (String) ours.get(0);
        if (NEWER_THAN_REFERENCE.contains(name) || ROCKHUB_ONLY.contains(name)) {
            return 0;
        }
        List<Object> ref = theirs.get(name);
        assertNotNull(ref, "Redis 7.0 has no command " + name);
        // Everything but the subcommands, which are compared as entries of their own (we serve fewer of some).
        assertEquals(ref.subList(0, 9), ours.subList(0, 9), "COMMAND INFO of " + name);
        return 1;
    }
}
