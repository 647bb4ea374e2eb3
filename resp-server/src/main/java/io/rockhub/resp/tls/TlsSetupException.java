package io.rockhub.resp.tls;

/**
 * TLS cannot be set up with the settings given. The message says why, for the log; {@link #reply}
 * is what Redis answers a CONFIG SET that fails this way.
 */
public final class TlsSetupException extends Exception {
    private final String reply;

    public TlsSetupException(String message) {
        this(message, null);
    }

    public TlsSetupException(String message, Throwable cause) {
        this(message, cause, "Unable to update TLS configuration. Check server logs.");
    }

    private TlsSetupException(String message, Throwable cause, String reply) {
        super(message, cause);
        this.reply = reply;
    }

    /** The TLS port could not be listened on. */
    public static TlsSetupException cannotListen(String message, Throwable cause) {
        return new TlsSetupException(message, cause, "Unable to listen on this port. Check server logs.");
    }

    public String reply() {
        return reply;
    }
}
