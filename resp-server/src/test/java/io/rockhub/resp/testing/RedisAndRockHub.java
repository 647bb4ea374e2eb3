package io.rockhub.resp.testing;

import java.util.Map;

/** Debian's Redis (the reference) and a RockHub server, started together for tests that compare them. */
public final class RedisAndRockHub implements AutoCloseable {
    private final RealRedis redis;
    private final TestServer rockhub;

    private RedisAndRockHub(RealRedis redis, TestServer rockhub) {
        this.redis = redis;
        this.rockhub = rockhub;
    }

    /** {@code redisArgs} go to redis-server, {@code settings} to RockHub. */
    public static RedisAndRockHub start(Map<String, String> settings, String... redisArgs) throws Exception {
        RealRedis redis = RealRedis.start(redisArgs);
        try {
            return new RedisAndRockHub(redis, TestServer.start(settings));
        } catch (Exception | Error e) {
            redis.close();
            throw e;
        }
    }

    public int redisPort() {
        return redis.port();
    }

    public int rockhubPort() {
        return rockhub.port();
    }

    public TestServer rockhub() {
        return rockhub;
    }

    @Override
    public void close() throws Exception {
        try {
            rockhub.close();
        } finally {
            redis.close();
        }
    }
}
