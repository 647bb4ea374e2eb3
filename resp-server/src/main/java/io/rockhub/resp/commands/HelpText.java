package io.rockhub.resp.commands;

import io.rockhub.resp.protocol.RespWriter;

/** The HELP reply of container commands, framed as Redis frames it. */
public final class HelpText {
    private HelpText() {
    }

    public static void write(RespWriter out, String container, String... lines) {
        out.array(lines.length + 3);
        out.simple(container + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) {
            out.simple(l);
        }
        out.simple("HELP");
        out.simple("    Prints this help.");
    }
}
