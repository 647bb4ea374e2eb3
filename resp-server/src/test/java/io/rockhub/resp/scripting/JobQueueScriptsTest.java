package io.rockhub.resp.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A job queue written as scripts the way job-queue libraries write theirs (atomic moves between a
 * waiting list, an active list with leases, a delayed sorted set and a dead list; options given
 * as JSON and kept packed with cmsgpack, job views in cjson; retries with exponential back-off; leases that lapse when a
 * worker dies mid-job), driven by the same seeded sequence on Debian's redis-server and on RockHub:
 * every reply and the final state must be the same. Time is an argument, so both see the same clock.
 */
class JobQueueScriptsTest {
    private static final String ENQUEUE = String.join("\n",
            "local opts = cjson.decode(ARGV[2])",
            "local id = redis.call('INCR', KEYS[1])",
            "redis.call('HSET', 'job:' .. id, 'data', ARGV[1], 'attempts', 0, 'opts', cmsgpack.pack(opts))",
            "if (opts.delay or 0) > 0 then",
            "  redis.call('ZADD', KEYS[3], tonumber(ARGV[3]) + opts.delay, id)",
            "else",
            "  redis.call('LPUSH', KEYS[2], id)",
            "end",
            "return id");
    private static final String PROMOTE = String.join("\n",
            "local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])",
            "for _, id in ipairs(due) do",
            "  redis.call('ZREM', KEYS[1], id)",
            "  redis.call('LPUSH', KEYS[2], id)",
            "end",
            "return #due");
    private static final String TAKE = String.join("\n",
            "local id = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])",
            "if not id then return false end",
            "local job = 'job:' .. id",
            "local attempts = redis.call('HINCRBY', job, 'attempts', 1)",
            "redis.call('HSET', job, 'worker', ARGV[1], 'lease', tonumber(ARGV[2]) + tonumber(ARGV[3]))",
            "return cjson.encode({id = tonumber(id), data = redis.call('HGET', job, 'data'), attempts = attempts})");
    private static final String COMPLETE = String.join("\n",
            "if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return redis.error_reply('NOTACTIVE job ' .. ARGV[1]) end",
            "redis.call('DEL', 'job:' .. ARGV[1])",
            "return redis.call('INCR', KEYS[2])");
    private static final String FAIL = String.join("\n",
            "if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return redis.error_reply('NOTACTIVE job ' .. ARGV[1]) end",
            "local job = 'job:' .. ARGV[1]",
            "local attempts = tonumber(redis.call('HGET', job, 'attempts'))",
            "if attempts >= (cmsgpack.unpack(redis.call('HGET', job, 'opts')).max or 3) then",
            "  redis.call('LPUSH', KEYS[3], ARGV[1])",
            "  return {'dead', attempts}",
            "end",
            "local backoff = 100 * 2 ^ (attempts - 1)",
            "redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) + backoff, ARGV[1])",
            "return {'retry', backoff}");
    private static final String RECOVER = String.join("\n",
            "local recovered = {}",
            "for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do",
            "  local lease = tonumber(redis.call('HGET', 'job:' .. id, 'lease'))",
            "  if lease and lease < tonumber(ARGV[1]) then",
            "    redis.call('LREM', KEYS[1], 1, id)",
            "    redis.call('RPUSH', KEYS[2], id)",
            "    recovered[#recovered + 1] = id",
            "  end",
            "end",
            "return recovered");

    @Test
    void aJobQueueInScriptsBehavesAsOnRedis() throws Exception {
        long seed = Long.getLong("rockhub.diff.seed", System.nanoTime());
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            String onRedis = run(servers.redisPort(), seed);
            String onRockHub = run(servers.rockhubPort(), seed);
            assertThat(onRockHub).as("seed %d", seed).isEqualTo(onRedis);
            assertThat(onRedis).contains("retry").contains("dead").contains("recovered");
        }
    }

    private static String run(int port, long seed) throws Exception {
        try (RawClient c = new RawClient(port)) {
            String enqueue = sha(c, ENQUEUE);
            String promote = sha(c, PROMOTE);
            String take = sha(c, TAKE);
            String complete = sha(c, COMPLETE);
            String fail = sha(c, FAIL);
            String recover = sha(c, RECOVER);
            Random r = new Random(seed);
            StringBuilder log = new StringBuilder();
            long now = 1_000_000;
            List<String> active = new ArrayList<>();
            for (int op = 0; op < 2_000; op++) {
                now += r.nextInt(50);
                int roll = r.nextInt(100);
                String reply;
                if (roll < 30) {
                    String opts = r.nextInt(3) == 0 ? "{\"delay\":500,\"max\":2}" : "{\"max\":3}";
                    reply = c.call("EVALSHA", enqueue, "3", "jobs:id", "jobs:wait", "jobs:delayed", "payload-" + op,
                            opts, Long.toString(now));
                } else if (roll < 40) {
                    reply = c.call("EVALSHA", promote, "2", "jobs:delayed", "jobs:wait", Long.toString(now));
                } else if (roll < 65) {
                    reply = c.call("EVALSHA", take, "2", "jobs:wait", "jobs:active", r.nextBoolean() ? "w1" : "w2",
                            Long.toString(now), "300");
                    if (reply.startsWith("$") && !reply.startsWith("$-1")) {
                        String json = reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
                        active.add(json.replaceAll(".*\"id\":(\\d+).*", "$1"));
                    }
                } else if (roll < 85 && !active.isEmpty()) {
                    String id = active.remove(r.nextInt(active.size()));
                    reply = r.nextInt(3) == 0
                            ? c.call("EVALSHA", fail, "3", "jobs:active", "jobs:delayed", "jobs:dead", id, Long.toString(now))
                            : c.call("EVALSHA", complete, "2", "jobs:active", "jobs:done", id);
                } else if (roll < 92 && !active.isEmpty()) {
                    // A worker dies holding a job: nobody completes it; its lease lapses.
                    active.remove(r.nextInt(active.size()));
                    reply = "(worker died)";
                } else {
                    now += 400;
                    reply = c.call("EVALSHA", recover, "2", "jobs:active", "jobs:wait", Long.toString(now));
                    if (!reply.equals("*0\r\n")) {
                        log.append("recovered ");
                    }
                }
                log.append(op).append(' ').append(reply);
            }
            log.append("wait ").append(c.call("LRANGE", "jobs:wait", "0", "-1"));
            log.append("active ").append(c.call("LRANGE", "jobs:active", "0", "-1"));
            log.append("delayed ").append(c.call("ZRANGE", "jobs:delayed", "0", "-1", "WITHSCORES"));
            log.append("dead ").append(c.call("LRANGE", "jobs:dead", "0", "-1"));
            log.append("done ").append(c.call("GET", "jobs:done"));
            List<String> jobs = new ArrayList<>();
            String keys = c.call("KEYS", "job:*");
            for (String line : keys.split("\r\n")) {
                if (line.startsWith("job:")) {
                    jobs.add(line + " " + c.call("HMGET", line, "data", "attempts", "worker", "lease"));
                }
            }
            jobs.sort(String::compareTo);
            log.append(String.join("\n", jobs));
            return log.toString();
        }
    }

    private static String sha(RawClient c, String script) throws Exception {
        String r = c.call("SCRIPT", "LOAD", script);
        return r.substring(r.indexOf("\r\n") + 2, r.length() - 2);
    }
}
