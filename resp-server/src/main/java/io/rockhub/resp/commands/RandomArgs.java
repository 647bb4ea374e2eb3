package io.rockhub.resp.commands;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.protocol.Errors;

/**
 * The {@code count [WITHVALUES | WITHSCORES]} tail of HRANDFIELD and ZRANDMEMBER, with Redis's
 * range checks (a negative count asks for repeats; doubling it for the pairs must not overflow).
 */
record RandomArgs(long count, boolean withPairs) {

    static RandomArgs parse(Args a, String pairOption) throws CommandError {
        if (a.size() > 4 || (a.size() == 4 && !a.is(3, pairOption))) {
            throw new CommandError(Errors.SYNTAX);
        }
        long count = a.longAt(2);
        boolean withPairs = a.size() == 4;
        if (count == Long.MIN_VALUE) {
            throw new CommandError(SetCommands.OUT_OF_LONG_RANGE);
        }
        if (withPairs && count < -Long.MAX_VALUE / 2) {
            throw new CommandError("ERR value is out of range");
        }
        return new RandomArgs(count, withPairs);
    }
}
