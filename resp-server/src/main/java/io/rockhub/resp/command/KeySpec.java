package io.rockhub.resp.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a command's keys are and what it does to them, as Redis 7's key specifications describe it
 * (COMMAND INFO's ninth field, and what cluster clients and ACL key checks read): how to find the
 * first key ({@code index} at a fixed position, or after a {@code keyword}), then how many follow
 * ({@code range}: up to {@code lastKey}, every {@code step}-th, at most total/{@code limit}; or
 * {@code keynum}: a count argument tells).
 *
 * <p>Written compactly in the command table, one spec per {@code |}:
 * {@code "RW access update index 1 range 0 1 0"}, {@code "RO access keyword STREAMS 1 range -1 1 2"},
 * {@code "RO access index 1 keynum 0 1 1"}, with an optional {@code // note}.
 */
public record KeySpec(String notes, List<String> flags, Begin begin, Find find) {

    /** How the first key is found. */
    public sealed interface Begin permits Index, Keyword, Unknown {
    }

    /** Where the keys are cannot be told from positions (SORT's STORE and BY/GET keys). */
    public record Unknown() implements Begin, Find {
    }

    /** The first key is argument {@code index}. */
    public record Index(int index) implements Begin {
    }

    /** The first key follows {@code keyword}, searched from argument {@code startFrom} (negative: from the end). */
    public record Keyword(String keyword, int startFrom) implements Begin {
    }

    /** How the keys after the first are found. */
    public sealed interface Find permits Range, KeyNum, Unknown {
    }

    /** Keys up to {@code lastKey} (relative to the first; -1 = the last argument), every {@code step}-th. */
    public record Range(int lastKey, int step, int limit) implements Find {
    }

    /** The number of keys is the argument {@code keyNumIndex} after the begin; the first key {@code firstKey} after it. */
    public record KeyNum(int keyNumIndex, int firstKey, int step) implements Find {
    }

    /** Parses the table's compact form; several specs are separated by {@code |}. */
    public static List<KeySpec> parseAll(String dsl) {
        List<KeySpec> out = new ArrayList<>();
        for (String one : dsl.split("\\|")) {
            out.add(parse(one.trim()));
        }
        return List.copyOf(out);
    }

    static KeySpec parse(String dsl) {
        String notes = null;
        int comment = dsl.indexOf("//");
        if (comment >= 0) {
            notes = dsl.substring(comment + 2).trim();
            dsl = dsl.substring(0, comment).trim();
        }
        List<String> words = Arrays.asList(dsl.split("\\s+"));
        int i = 0;
        List<String> flags = new ArrayList<>();
        while (!words.get(i).equals("index") && !words.get(i).equals("keyword") && !words.get(i).equals("unknown")) {
            flags.add(words.get(i++));
        }
        if (words.get(i).equals("unknown") && i + 1 == words.size()) {
            return new KeySpec(notes, List.copyOf(flags), new Unknown(), new Unknown());
        }
        Begin begin;
        if (words.get(i).equals("index")) {
            begin = new Index(Integer.parseInt(words.get(i + 1)));
            i += 2;
        } else {
            begin = new Keyword(words.get(i + 1), Integer.parseInt(words.get(i + 2)));
            i += 3;
        }
        int a = Integer.parseInt(words.get(i + 1));
        int b = Integer.parseInt(words.get(i + 2));
        int c = Integer.parseInt(words.get(i + 3));
        Find find = switch (words.get(i)) {
            case "range" -> new Range(a, b, c);
            case "keynum" -> new KeyNum(a, b, c);
            default -> throw new IllegalArgumentException("bad key spec: " + dsl);
        };
        if (i + 4 != words.size()) {
            throw new IllegalArgumentException("bad key spec: " + dsl);
        }
        return new KeySpec(notes, List.copyOf(flags), begin, find);
    }
}
