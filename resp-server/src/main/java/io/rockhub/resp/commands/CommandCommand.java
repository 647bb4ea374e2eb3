package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandFlag;
import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.command.KeyFinder;
import io.rockhub.resp.command.KeySpec;
import io.rockhub.resp.command.CommandDoc;
import io.rockhub.resp.command.CommandDocs;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.RespWriter;
import io.rockhub.core.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** COMMAND and its subcommands, generated from the declarative command table. */
final class CommandCommand {
    private CommandCommand() {
    }

    static void register(CommandTable t) {
        t.add(new CommandSpec("command", -1, List.of(CommandFlag.LOADING, CommandFlag.STALE), 0, 0, 0,
                List.of("@slow", "@connection"), a -> (ctx, out) -> writeInfos(out, ctx.hub().commands().all()),
                List.of(
                        sub("count", 2, a -> (ctx, out) -> out.integer(ctx.hub().commands().size())),
                        sub("info", -2, CommandCommand::info).tips("nondeterministic_output_order"),
                        sub("list", -2, CommandCommand::list).tips("nondeterministic_output_order"),
                        sub("docs", -2, CommandCommand::docs).tips("nondeterministic_output_order"),
                        sub("getkeys", -4, a -> getKeys(a, false)),
                        sub("getkeysandflags", -4, a -> getKeys(a, true)),
                        sub("help", 2, a -> (ctx, out) -> HelpText.write(out, "COMMAND",
                                "(no subcommand)", "    Return details about all Redis commands.",
                                "COUNT", "    Return the total number of commands in this Redis server.",
                                "LIST", "    Return a list of all commands in this Redis server.",
                                "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
                                "    If no command names are given, documentation details for all",
                                "    commands are returned.",
                                "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
                                "    If no command names are given, documentation details for all",
                                "    commands are returned.")))).tips("nondeterministic_output_order"));
    }

    private static CommandSpec sub(String name, int arity, io.rockhub.resp.command.Parser parser) {
        CommandSpec s = of(name, arity, "loading stale", 0, 0, 0, "@slow @connection", parser);
        return new CommandSpec("command|" + name, s.arity(), s.flags(), 0, 0, 0, s.categories(), parser, List.of());
    }

    /** COMMAND GETKEYS / GETKEYSANDFLAGS command arg...: the keys the command line names, from its key specs. */
    private static Execution getKeys(Args a, boolean withFlags) {
        List<byte[]> line = a.all().subList(2, a.size());
        return (ctx, out) -> {
            CommandSpec spec = ctx.hub().commands().lookup(a.string(2));
            if (spec != null && spec.isContainer()) {
                spec = line.size() > 1 ? spec.subcommand(a.string(3)) : null;
            }
            if (spec == null) {
                out.error("ERR Invalid command specified");
                return;
            }
            if (spec.keySpecs().isEmpty()) {
                out.error("ERR The command has no key arguments");
                return;
            }
            if (!spec.arityOk(line.size())) {
                out.error("ERR Invalid number of arguments specified for command");
                return;
            }
            List<KeyFinder.Found> keys = KeyFinder.find(spec, line);
            if (keys == null || keys.isEmpty()) {
                out.error("ERR Invalid arguments specified for command");
                return;
            }
            out.array(keys.size());
            for (KeyFinder.Found k : keys) {
                if (withFlags) {
                    out.array(2).bulk(line.get(k.position()));
                    out.set(k.flags().size());
                    for (String f : k.flags()) {
                        out.simple(f);
                    }
                } else {
                    out.bulk(line.get(k.position()));
                }
            }
        };
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
        out.set(s.tips().size());
        for (String tip : s.tips()) {
            out.bulk(tip);
        }
        out.set(s.keySpecs().size());
        for (KeySpec k : s.keySpecs()) {
            writeKeySpec(out, k);
        }
        out.set(s.subcommands().size());
        for (CommandSpec sub : s.subcommands()) {
            writeInfo(out, sub);
        }
    }

    /** A key specification in Redis 7.0's shape: notes, flags, begin_search, find_keys. */
    private static void writeKeySpec(RespWriter out, KeySpec k) {
        out.map(k.notes() == null ? 3 : 4);
        if (k.notes() != null) {
            out.bulk("notes").bulk(k.notes());
        }
        out.bulk("flags").set(k.flags().size());
        for (String f : k.flags()) {
            out.simple(f);
        }
        out.bulk("begin_search").map(2);
        if (k.begin() instanceof KeySpec.Index i) {
            out.bulk("type").bulk("index").bulk("spec").map(1).bulk("index").integer(i.index());
        } else if (k.begin() instanceof KeySpec.Keyword w) {
            out.bulk("type").bulk("keyword").bulk("spec").map(2).bulk("keyword").bulk(w.keyword())
                    .bulk("startfrom").integer(w.startFrom());
        } else {
            out.bulk("type").bulk("unknown").bulk("spec").map(0);
        }
        out.bulk("find_keys").map(2);
        if (k.find() instanceof KeySpec.Range r) {
            out.bulk("type").bulk("range").bulk("spec").map(3).bulk("lastkey").integer(r.lastKey())
                    .bulk("keystep").integer(r.step()).bulk("limit").integer(r.limit());
        } else if (k.find() instanceof KeySpec.KeyNum n) {
            out.bulk("type").bulk("keynum").bulk("spec").map(3).bulk("keynumidx").integer(n.keyNumIndex())
                    .bulk("firstkey").integer(n.firstKey()).bulk("keystep").integer(n.step());
        } else {
            out.bulk("type").bulk("unknown").bulk("spec").map(0);
        }
    }

    /** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: commands and subcommands. */
    private static Execution list(Args a) throws CommandError {
        Predicate<CommandSpec> filter;
        if (a.size() == 2) {
            filter = s -> true;
        } else if (a.size() == 5 && a.is(2, "FILTERBY")) {
            String arg = a.string(4);
            if (a.is(3, "MODULE")) {
                filter = s -> false;
            } else if (a.is(3, "ACLCAT")) {
                String category = "@" + arg.toLowerCase(Locale.ROOT);
                filter = s -> s.categories().contains(category);
            } else if (a.is(3, "PATTERN")) {
                byte[] pattern = a.bytes(4);
                filter = s -> Glob.matches(pattern, s.name().getBytes(StandardCharsets.UTF_8), true);
            } else {
                throw new CommandError("ERR syntax error");
            }
        } else {
            throw new CommandError("ERR syntax error");
        }
        return (ctx, out) -> {
            List<CommandSpec> matched = new ArrayList<>();
            for (CommandSpec s : ctx.hub().commands().all()) {
                if (filter.test(s)) {
                    matched.add(s);
                }
                for (CommandSpec sub : s.subcommands()) {
                    if (filter.test(sub)) {
                        matched.add(sub);
                    }
                }
            }
            out.array(matched.size());
            for (CommandSpec s : matched) {
                out.bulk(s.name());
            }
        };
    }

    /** COMMAND DOCS [name ...]: documentation of the named commands (all when none), skipping unknown names. */
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
            CommandDocs docs = CommandDocs.builtIn();
            out.map(specs.size());
            for (CommandSpec s : specs) {
                out.bulk(s.name());
                writeDoc(out, s, docs);
            }
        };
    }

    /** One command's docs in Redis 7.0's field order; a command missing from the docs file gets its group only. */
    private static void writeDoc(RespWriter out, CommandSpec s, CommandDocs docs) {
        CommandDoc d = docs.get(s.name());
        if (d == null) {
            // CommandDocsTest keeps this from happening; a reply beats an error for a documentation gap.
            out.map(0);
            return;
        }
        boolean hasSubs = !s.subcommands().isEmpty();
        out.map(3 + (d.complexity() == null ? 0 : 1) + (d.docFlags().isEmpty() ? 0 : 1) + (d.deprecatedSince() == null ? 0 : 2)
                + (d.history().isEmpty() ? 0 : 1) + (d.arguments().isEmpty() ? 0 : 1) + (hasSubs ? 1 : 0));
        out.bulk("summary").bulk(d.summary());
        out.bulk("since").bulk(d.since());
        out.bulk("group").bulk(d.group());
        if (d.complexity() != null) {
            out.bulk("complexity").bulk(d.complexity());
        }
        if (!d.docFlags().isEmpty()) {
            out.bulk("doc_flags").set(d.docFlags().size());
            for (String f : d.docFlags()) {
                out.simple(f);
            }
        }
        if (d.deprecatedSince() != null) {
            out.bulk("deprecated_since").bulk(d.deprecatedSince());
            out.bulk("replaced_by").bulk(d.replacedBy());
        }
        if (!d.history().isEmpty()) {
            out.bulk("history").set(d.history().size());
            for (CommandDoc.History h : d.history()) {
                out.array(2).bulk(h.version()).bulk(h.change());
            }
        }
        if (!d.arguments().isEmpty()) {
            out.bulk("arguments");
            writeArguments(out, d.arguments());
        }
        if (hasSubs) {
            out.bulk("subcommands").map(s.subcommands().size());
            for (CommandSpec sub : s.subcommands()) {
                out.bulk(sub.name());
                writeDoc(out, sub, docs);
            }
        }
    }

    private static void writeArguments(RespWriter out, List<CommandDoc.Argument> args) {
        out.array(args.size());
        for (CommandDoc.Argument arg : args) {
            out.map(2 + (arg.keySpecIndex() < 0 ? 0 : 1) + (arg.token() == null ? 0 : 1)
                    + (arg.since() == null ? 0 : 1) + (arg.flags().isEmpty() ? 0 : 1)
                    + (arg.deprecatedSince() == null ? 0 : 1) + (arg.arguments().isEmpty() ? 0 : 1));
            out.bulk("name").bulk(arg.name());
            out.bulk("type").bulk(arg.type());
            if (arg.keySpecIndex() >= 0) {
                out.bulk("key_spec_index").integer(arg.keySpecIndex());
            }
            if (arg.token() != null) {
                out.bulk("token").bulk(arg.token());
            }
            if (arg.since() != null) {
                out.bulk("since").bulk(arg.since());
            }
            if (!arg.flags().isEmpty()) {
                out.bulk("flags").set(arg.flags().size());
                for (String f : arg.flags()) {
                    out.simple(f);
                }
            }
            if (arg.deprecatedSince() != null) {
                out.bulk("deprecated_since").bulk(arg.deprecatedSince());
            }
            if (!arg.arguments().isEmpty()) {
                out.bulk("arguments");
                writeArguments(out, arg.arguments());
            }
        }
    }
}
