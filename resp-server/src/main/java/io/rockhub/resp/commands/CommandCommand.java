package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandFlag;
import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.RespWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** COMMAND and its subcommands, generated from the declarative command table. */
final class CommandCommand {
    private CommandCommand() {
    }

    static void register(CommandTable t) {
        t.add(new CommandSpec("command", -1, List.of(CommandFlag.LOADING, CommandFlag.STALE), 0, 0, 0,
                List.of("@slow", "@connection"), a -> (ctx, out) -> writeInfos(out, ctx.hub().commands().all()),
                List.of(
                        sub("count", 2, a -> (ctx, out) -> out.integer(ctx.hub().commands().size())),
                        sub("info", -2, CommandCommand::info),
                        sub("list", -2, a -> (ctx, out) -> {
                            Collection<CommandSpec> all = ctx.hub().commands().all();
                            out.array(all.size());
                            for (CommandSpec s : all) {
                                out.bulk(s.name());
                            }
                        }),
                        sub("docs", -2, CommandCommand::docs),
                        sub("help", 2, a -> (ctx, out) -> HelpText.write(out, "COMMAND",
                                "(no subcommand)", "    Return details about all Redis commands.",
                                "COUNT", "    Return the total number of commands in this Redis server.",
                                "LIST", "    Return a list of all commands in this Redis server.",
                                "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
                                "    If no command names are given, documentation details for all",
                                "    commands are returned.",
                                "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
                                "    If no command names are given, documentation details for all",
                                "    commands are returned.")))));
    }

    private static CommandSpec sub(String name, int arity, io.rockhub.resp.command.Parser parser) {
        CommandSpec s = of(name, arity, "loading stale", 0, 0, 0, "@slow @connection", parser);
        return new CommandSpec("command|" + name, s.arity(), s.flags(), 0, 0, 0, s.categories(), parser, List.of());
    }

    private static Execution info(Args a) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < a.size(); i++) {
            names.add(a.string(i));
        }
        return (ctx, out) -> {
            if (names.isEmpty()) {
                writeInfos(out, ctx.hub().commands().all());
                return;
            }
            out.array(names.size());
            for (String n : names) {
                CommandSpec s = lookup(ctx.hub().commands(), n);
                if (s == null) {
                    out.nullArray();
                } else {
                    writeInfo(out, s);
                }
            }
        };
    }

    /** A command or "container|sub" name. */
    private static CommandSpec lookup(CommandTable table, String name) {
        String[] parts = name.split("\\|", 2);
        CommandSpec s = table.lookup(parts[0]);
        if (s != null && parts.length == 2) {
            return s.subcommand(parts[1]);
        }
        return s;
    }

    private static void writeInfos(RespWriter out, Collection<CommandSpec> specs) {
        out.array(specs.size());
        for (CommandSpec s : specs) {
            writeInfo(out, s);
        }
    }

    /** One COMMAND INFO entry: name, arity, flags, first, last, step, categories, tips, key specs, subcommands. */
    private static void writeInfo(RespWriter out, CommandSpec s) {
        out.array(10);
        out.bulk(s.name());
        out.integer(s.arity());
        out.set(s.flags().size());
        for (CommandFlag f : s.flags()) {
            out.simple(f.redisName());
        }
        out.integer(s.firstKey());
        out.integer(s.lastKey());
        out.integer(s.step());
        out.set(s.categories().size());
        for (String c : s.categories()) {
            out.simple(c);
        }
        out.set(0);
        out.array(0);
        out.array(s.subcommands().size());
        for (CommandSpec sub : s.subcommands()) {
            writeInfo(out, sub);
        }
    }

    /** COMMAND DOCS, minimal: each command's group. */
    private static Execution docs(Args a) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < a.size(); i++) {
            names.add(a.string(i));
        }
        return (ctx, out) -> {
            List<CommandSpec> specs = new ArrayList<>();
            if (names.isEmpty()) {
                specs.addAll(ctx.hub().commands().all());
            } else {
                for (String n : names) {
                    CommandSpec s = lookup(ctx.hub().commands(), n);
                    if (s != null) {
                        specs.add(s);
                    }
                }
            }
            out.map(specs.size());
            for (CommandSpec s : specs) {
                out.bulk(s.name());
                out.map(1);
                out.bulk("group");
                out.bulk(group(s));
            }
        };
    }

    private static String group(CommandSpec s) {
        for (String c : s.categories()) {
            switch (c) {
                case "@string" -> { return "string"; }
                case "@keyspace" -> { return "generic"; }
                case "@connection" -> { return "connection"; }
                default -> { }
            }
        }
        return "server";
    }
}
