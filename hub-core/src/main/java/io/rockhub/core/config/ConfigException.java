package io.rockhub.core.config;

/** A setting that is unknown, malformed, out of range or not changeable at run time. */
public final class ConfigException extends Exception {
    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The setting the problem is about, as the user spelled it. */
    public String key() {
        return key;
    }
}
