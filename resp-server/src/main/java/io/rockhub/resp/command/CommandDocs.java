package io.rockhub.resp.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The documentation of every command, read once from {@code command-docs.txt} beside this class.
 * The file is indentation-structured so that a command's docs read like its usage line:
 * <pre>
 * name since group [syscmd]
 *   summary text
 *   complexity text                          (absent where Redis gives none: LOLWUT, PSYNC...)
 *   deprecated version replaced-by text      (deprecated commands only)
 *   history version text                     (one per change, oldest first)
 *   arg name type [key=N] [token=T] [since=V] [optional] [multiple] [multiple_token] [deprecated=V]
 *     arg ...                                (the arguments of a oneof or block, two spaces deeper)
 * </pre>
 * A token written {@code ""} is the empty token (MIGRATE's empty key).
 */
public final class CommandDocs {
    private static final String RESOURCE = "command-docs.txt";
    private static volatile CommandDocs builtIn;

    private final Map<String, CommandDoc> docs;

    private CommandDocs(Map<String, CommandDoc> docs) {
        this.docs = docs;
    }

    /** The documentation shipped with the server. */
    public static CommandDocs builtIn() {
        CommandDocs d = builtIn;
        if (d == null) {
            synchronized (CommandDocs.class) {
                d = builtIn;
                if (d == null) {
                    try (InputStream in = CommandDocs.class.getResourceAsStream(RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException(RESOURCE + " missing from the class path");
                        }
                        d = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    builtIn = d;
                }
            }
        }
        return d;
    }

    /** The docs of a command by its full lower-case name ("set", "client|list"); null when undocumented. */
    public CommandDoc get(String fullName) {
        return docs.get(fullName);
    }

    static CommandDocs parse(String text) {
        Map<String, CommandDoc> docs = new HashMap<>();
        String[] lines = text.split("\n", -1);
        int[] at = {0};
        while (at[0] < lines.length) {
            String line = lines[at[0]];
            if (line.isBlank() || line.startsWith("#")) {
                at[0]++;
                continue;
            }
            CommandDoc doc = command(lines, at);
            if (docs.putIfAbsent(doc.name(), doc) != null) {
                throw new IllegalArgumentException(RESOURCE + ": " + doc.name() + " documented twice");
            }
        }
        return new CommandDocs(Collections.unmodifiableMap(docs));
    }

    private static CommandDoc command(String[] lines, int[] at) {
        int lineNo = at[0] + 1;
        String[] head = lines[at[0]++].trim().split(" ");
        if (head.length < 3) {
            throw bad(lineNo, "expected: name since group [flags]");
        }
        List<String> docFlags = new ArrayList<>();
        String summary = null;
        String complexity = null;
        String deprecatedSince = null;
        String replacedBy = null;
        List<CommandDoc.History> history = new ArrayList<>();
        while (at[0] < lines.length && indent(lines[at[0]]) == 2 && !lines[at[0]].startsWith("arg ", 2)) {
            String line = lines[at[0]].substring(2);
            int space = line.indexOf(' ');
            if (space < 0) {
                throw bad(at[0] + 1, "expected: word text");
            }
            String word = line.substring(0, space);
            String rest = line.substring(space + 1);
            switch (word) {
                case "summary" -> summary = rest;
                case "complexity" -> complexity = rest;
                case "deprecated" -> {
                    deprecatedSince = rest.substring(0, rest.indexOf(' '));
                    replacedBy = rest.substring(deprecatedSince.length() + 1);
                    docFlags.add("deprecated");
                }
                case "history" -> {
                    String version = rest.substring(0, rest.indexOf(' '));
                    history.add(new CommandDoc.History(version, rest.substring(version.length() + 1)));
                }
                default -> throw bad(at[0] + 1, "unknown line " + word);
            }
            at[0]++;
        }
        List<CommandDoc.Argument> arguments = arguments(lines, at, 2);
        if (summary == null) {
            throw bad(lineNo, head[0] + " needs a summary");
        }
        for (int i = 3; i < head.length; i++) {
            docFlags.add(head[i]);
        }
        return new CommandDoc(head[0], head[1], head[2], List.copyOf(docFlags), summary, complexity,
                deprecatedSince, replacedBy, List.copyOf(history), arguments);
    }

    private static List<CommandDoc.Argument> arguments(String[] lines, int[] at, int depth) {
        List<CommandDoc.Argument> args = new ArrayList<>();
        while (at[0] < lines.length && indent(lines[at[0]]) == depth
                && lines[at[0]].startsWith("arg ", depth)) {
            int lineNo = at[0] + 1;
            String[] parts = lines[at[0]++].substring(depth + 4).split(" ");
            if (parts.length < 2) {
                throw bad(lineNo, "expected: arg name type ...");
            }
            int keySpec = -1;
            String token = null;
            String since = null;
            String deprecated = null;
            List<String> flags = new ArrayList<>();
            for (int i = 2; i < parts.length; i++) {
                String p = parts[i];
                if (p.startsWith("key=")) {
                    keySpec = Integer.parseInt(p.substring(4));
                } else if (p.startsWith("token=")) {
                    token = p.equals("token=\"\"") ? "" : p.substring(6);
                } else if (p.startsWith("since=")) {
                    since = p.substring(6);
                } else if (p.startsWith("deprecated=")) {
                    deprecated = p.substring(11);
                } else if (p.equals("optional") || p.equals("multiple") || p.equals("multiple_token")) {
                    flags.add(p);
                } else {
                    throw bad(lineNo, "unknown argument attribute " + p);
                }
            }
            List<CommandDoc.Argument> nested = arguments(lines, at, depth + 2);
            args.add(new CommandDoc.Argument(parts[0], parts[1], keySpec, token, since, List.copyOf(flags),
                    deprecated, nested));
        }
        return List.copyOf(args);
    }

    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i == line.length() ? -1 : i;
    }

    private static IllegalArgumentException bad(int line, String why) {
        return new IllegalArgumentException(RESOURCE + " line " + line + ": " + why);
    }
}
