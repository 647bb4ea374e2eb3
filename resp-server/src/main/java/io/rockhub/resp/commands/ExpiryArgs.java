package io.rockhub.resp.commands;

import io.rockhub.core.types.ExpiryChange;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.protocol.Errors;

/**
 * Relative or absolute expiry arguments (EX, PX, EXAT, PXAT) validated as Redis's
 * {@code getExpireMillisecondsOrReply}: positive, no overflow, resolved against the clock at
 * execution time.
 */
record ExpiryArgs(long millis, boolean relative) {

    static ExpiryArgs parse(long value, boolean seconds, boolean relative, String command) throws CommandError {
        if (value <= 0 || (seconds && value > Long.MAX_VALUE / 1000)) {
            throw new CommandError(Errors.invalidExpire(command));
        }
        return new ExpiryArgs(seconds ? value * 1000 : value, relative);
    }

    /** The absolute deadline, or null when adding the current time overflows. */
    ExpiryChange resolve(long nowMillis) {
        if (!relative) {
            return ExpiryChange.at(millis);
        }
        if (millis > Long.MAX_VALUE - nowMillis) {
            return null;
        }
        return ExpiryChange.at(millis + nowMillis);
    }
}
