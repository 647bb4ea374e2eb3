package io.rockhub.resp.command;

/** Command flags, spelled as Redis's COMMAND INFO prints them. */
public enum CommandFlag {
    WRITE("write"), READONLY("readonly"), DENYOOM("denyoom"), ADMIN("admin"), NOSCRIPT("noscript"),
    LOADING("loading"), STALE("stale"), FAST("fast"), NO_AUTH("no_auth"), ALLOW_BUSY("allow_busy"),
    NO_MULTI("no_multi"), BLOCKING("blocking"), MOVABLEKEYS("movablekeys"), SKIP_SLOWLOG("skip_slowlog"),
    NO_ASYNC_LOADING("no_async_loading"), PUBSUB("pubsub"), SKIP_MONITOR("skip_monitor"),
    NO_MANDATORY_KEYS("no_mandatory_keys");

    private final String redisName;

    CommandFlag(String redisName) {
        this.redisName = redisName;
    }

    public String redisName() {
        return redisName;
    }

    static CommandFlag parse(String name) {
        for (CommandFlag f : values()) {
            if (f.redisName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown command flag " + name);
    }
}
