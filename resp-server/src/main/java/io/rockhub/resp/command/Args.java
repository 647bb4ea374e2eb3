package io.rockhub.resp.command;

import io.rockhub.core.util.Numbers;
import io.rockhub.resp.protocol.Errors;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** A command's arguments (index 0 is the command name) with Redis's parsing rules and errors. */
public final class Args {
    private final List<byte[]> args;

    public Args(List<byte[]> args) {
        this.args = args;
    }

    public int size() {
        return args.size();
    }

    public byte[] bytes(int i) {
        return args.get(i);
    }

    public String string(int i) {
        return new String(args.get(i), StandardCharsets.UTF_8);
    }

    /** Upper-cased argument, for matching option names. */
    public String option(int i) {
        return string(i).toUpperCase(Locale.ROOT);
    }

    public boolean is(int i, String option) {
        return string(i).equalsIgnoreCase(option);
    }

    public List<byte[]> slice(int from) {
        return args.subList(from, args.size());
    }

    public List<byte[]> all() {
        return args;
    }

    public long longAt(int i) throws CommandError {
        Long v = Numbers.parseLong(args.get(i));
        if (v == null) {
            throw new CommandError(Errors.NOT_INTEGER);
        }
        return v;
    }

    /** A number as Redis's {@code string2ld} reads it (INCRBYFLOAT, HINCRBYFLOAT), or null if it is not one. */
    public Numbers.LongDouble longDoubleAt(int i) {
        return Numbers.parseLongDouble(args.get(i));
    }

    public String name() {
        return string(0).toLowerCase(Locale.ROOT);
    }
}
