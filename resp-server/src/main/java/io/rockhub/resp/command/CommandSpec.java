package io.rockhub.resp.command;

import java.util.Arrays;
import java.util.List;

/**
 * One command as data, mirroring a row of Redis's COMMAND INFO: name, arity (negative = at least),
 * flags, key positions and ACL categories, plus the parser, and subcommands for containers such as
 * CONFIG and CLIENT.
 */
public record CommandSpec(String name, int arity, List<CommandFlag> flags, int firstKey, int lastKey, int step,
                          List<String> categories, Parser parser, List<CommandSpec> subcommands, List<String> tips,
                          List<KeySpec> keySpecs) {

    public CommandSpec(String name, int arity, List<CommandFlag> flags, int firstKey, int lastKey, int step,
                       List<String> categories, Parser parser, List<CommandSpec> subcommands) {
        this(name, arity, flags, firstKey, lastKey, step, categories, parser, subcommands, List.of(), List.of());
    }

    /** This command with its key specifications, in {@link KeySpec}'s compact form. */
    public CommandSpec keys(String keySpecs) {
        return new CommandSpec(name, arity, flags, firstKey, lastKey, step, categories, parser, subcommands, tips,
                KeySpec.parseAll(keySpecs));
    }

    /** This command with Redis's command tips (space-separated), e.g. {@code nondeterministic_output}. */
    public CommandSpec tips(String tips) {
        return new CommandSpec(name, arity, flags, firstKey, lastKey, step, categories, parser, subcommands,
                words(tips), keySpecs);
    }

    /** A command; {@code flags} and {@code categories} are space-separated as Redis prints them. */
    public static CommandSpec of(String name, int arity, String flags, int firstKey, int lastKey, int step,
                                 String categories, Parser parser) {
        return new CommandSpec(name, arity, parseFlags(flags), firstKey, lastKey, step, words(categories), parser,
                List.of());
    }

    /** A container command whose first argument selects one of {@code subs}. */
    public static CommandSpec container(String name, int arity, String flags, String categories,
                                        CommandSpec... subs) {
        List<CommandSpec> named = Arrays.stream(subs)
                .map(s -> new CommandSpec(name + "|" + s.name, s.arity, s.flags, s.firstKey, s.lastKey, s.step,
                        s.categories, s.parser, List.of(), s.tips, s.keySpecs))
                .toList();
        return new CommandSpec(name, arity, parseFlags(flags), 0, 0, 0, words(categories), null, named);
    }

    public boolean has(CommandFlag flag) {
        return flags.contains(flag);
    }

    public boolean isContainer() {
        return !subcommands.isEmpty();
    }

    public boolean arityOk(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    /** The subcommand named {@code sub} (case-insensitive), or null. */
    public CommandSpec subcommand(String sub) {
        String full = name + "|" + sub.toLowerCase(java.util.Locale.ROOT);
        for (CommandSpec s : subcommands) {
            if (s.name.equals(full)) {
                return s;
            }
        }
        return null;
    }

    private static List<CommandFlag> parseFlags(String flags) {
        return words(flags).stream().map(CommandFlag::parse).toList();
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }
}
