package io.rockhub.resp.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes: tests never sleep a fixed time. */
public final class Wait {
    private Wait() {
    }

    /**
     * Until {@code command}, sent on a new connection to {@code port} each time (a replica may be
     * reopening on a full copy), answers {@code reply} exactly.
     */
    public static void untilReply(Duration timeout, int port, String reply, String... command) {
        until(timeout, String.join(" ", command) + " to answer " + reply.strip(), () -> {
            try (RawClient c = new RawClient(port)) {
                return c.call(command).equals(reply);
            } catch (java.io.IOException notYet) {
                return false;
            }
        });
    }

    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
