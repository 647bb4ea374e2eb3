package io.rockhub.resp.command;

import java.util.List;

/**
 * A command's documentation in the shape COMMAND DOCS gives it in Redis 7.0. Versions, groups and
 * argument trees are interface facts and match Redis; summaries, complexities and history notes
 * are RockHub's own words.
 *
 * @param complexity      null for the few commands Redis gives none (LOLWUT, PSYNC, SYNC, MONITOR)
 * @param deprecatedSince null unless deprecated
 * @param replacedBy      what to use instead; null unless deprecated
 * @param docFlags        besides "deprecated" (derived): "syscmd" for commands meant for servers, not users
 */
public record CommandDoc(String name, String since, String group, List<String> docFlags, String summary,
                         String complexity, String deprecatedSince, String replacedBy, List<History> history,
                         List<Argument> arguments) {

    /** One change to a command: the version it came with and what changed. */
    public record History(String version, String change) {
    }

    /**
     * One argument, as Redis's command arguments: type is one of string, integer, double, key,
     * pattern, unix-time, pure-token, oneof, block.
     *
     * @param keySpecIndex    index into the command's key specs; -1 unless the type is key
     * @param token           the literal that introduces the argument; null when none ("" is a token)
     * @param flags           optional, multiple, multiple_token
     */
    public record Argument(String name, String type, int keySpecIndex, String token, String since,
                           List<String> flags, String deprecatedSince, List<Argument> arguments) {
    }
}
