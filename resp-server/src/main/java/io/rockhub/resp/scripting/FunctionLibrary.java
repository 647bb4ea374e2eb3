package io.rockhub.resp.scripting;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A FUNCTION library: its name, its code (with its {@code #!lua name=...} line) and the functions
 * it registered.
 */
public record FunctionLibrary(String name, byte[] code, List<Function> functions) {
    /** One registered function: its flags in Redis's order ("no-writes", ...) and optional description. */
    public record Function(String name, List<String> flags, String description) {
        public Function {
            flags = List.copyOf(flags);
        }

        boolean noWrites() {
            return flags.contains("no-writes");
        }
    }

    public FunctionLibrary {
        functions = List.copyOf(functions);
    }

    /** A function of this library by name, in any case (Redis's function names are case-insensitive). */
    Function function(String fname) {
        for (Function f : functions) {
            if (f.name().equalsIgnoreCase(fname)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Reads the {@code #!<engine> name=<library>} first line as Redis 7.0 does (split like its
     * config lines, quotes allowed): null with the name in {@code name}, or Redis's error.
     */
    static String nameOrError(byte[] code, StringBuilder name) {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            return "ERR Missing library metadata";
        }
        int end = 0;
        while (end < code.length && code[end] != '\n') {
            end++;
        }
        if (end == code.length) {
            return "ERR Invalid library metadata";
        }
        List<String> parts = splitArgs(new String(code, 0, end, StandardCharsets.UTF_8));
        if (parts == null || parts.isEmpty() || !parts.get(0).startsWith("#!")) {
            return "ERR Invalid library metadata";
        }
        String engine = parts.get(0).substring(2);
        String given = null;
        for (String part : parts.subList(1, parts.size())) {
            if (part.toLowerCase(Locale.ROOT).startsWith("name=")) {
                if (given != null) {
                    return "ERR Invalid metadata value, name argument was given multiple times";
                }
                given = part.substring(5);
            } else {
                return "ERR Invalid metadata value given: " + part;
            }
        }
        if (given == null) {
            return "ERR Library name was not given";
        }
        if (!engine.equalsIgnoreCase("lua")) {
            return "ERR Engine '" + engine + "' not found";
        }
        if (!validName(given)) {
            return "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
        }
        name.setLength(0);
        name.append(given);
        return null;
    }

    static boolean validName(String n) {
        return !n.isEmpty() && n.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_'));
    }

    /**
     * Splits a line into words as Redis splits config and inline-command lines: blanks separate,
     * double quotes take escapes, single quotes do not; null when a quote is left open or
     * a closing quote is not followed by a blank.
     */
    static List<String> splitArgs(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            if (i == n) {
                return out;
            }
            StringBuilder word = new StringBuilder();
            char quote = 0;
            while (true) {
                if (i == n) {
                    if (quote != 0) {
                        return null;
                    }
                    break;
                }
                char c = line.charAt(i);
                if (quote == '"') {
                    if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x' && isHex(line.charAt(i + 2)) && isHex(line.charAt(i + 3))) {
                        word.append((char) Integer.parseInt(line.substring(i + 2, i + 4), 16));
                        i += 4;
                        continue;
                    }
                    if (c == '\\' && i + 1 < n) {
                        char e = line.charAt(i + 1);
                        word.append(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> (char) 7;
                            default -> e;
                        });
                        i += 2;
                        continue;
                    }
                    if (c == '"') {
                        if (i + 1 < n && !isBlank(line.charAt(i + 1))) {
                            return null;
                        }
                        i++;
                        break;
                    }
                    word.append(c);
                } else if (quote == '\'') {
                    if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                        word.append('\'');
                        i += 2;
                        continue;
                    }
                    if (c == '\'') {
                        if (i + 1 < n && !isBlank(line.charAt(i + 1))) {
                            return null;
                        }
                        i++;
                        break;
                    }
                    word.append(c);
                } else if (isBlank(c)) {
                    break;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else {
                    word.append(c);
                }
                i++;
            }
            out.add(word.toString());
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
