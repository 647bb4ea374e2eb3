package io.rockhub.resp.tracking;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO, as Redis 7.0 (subcommands of CLIENT). */
public final class TrackingCommands {
    private TrackingCommands() {
    }

    /** The subcommands, for the CLIENT container. */
    public static List<CommandSpec> subcommands() {
        String flags = "noscript loading stale";
        return List.of(
                of("tracking", -3, flags, 0, 0, 0, "@slow @connection", TrackingCommands::tracking),
                of("caching", 3, flags, 0, 0, 0, "@slow @connection", TrackingCommands::caching),
                of("getredir", 2, flags, 0, 0, 0, "@slow @connection", a -> (ctx, out) -> {
                    ClientTracking t = ctx.session().tracking();
                    out.integer(t.on() ? t.redirect() : -1);
                }),
                of("trackinginfo", 2, flags, 0, 0, 0, "@slow @connection", a -> TrackingCommands::info));
    }

    /** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]. */
    private static Execution tracking(Args a) throws CommandError {
        boolean on;
        if (a.is(2, "ON")) {
            on = true;
        } else if (a.is(2, "OFF")) {
            on = false;
        } else {
            throw new CommandError("ERR syntax error");
        }
        Long redirect = null;
        boolean bcast = false;
        boolean optIn = false;
        boolean optOut = false;
        boolean noLoop = false;
        List<byte[]> prefixes = new ArrayList<>();
        for (int i = 3; i < a.size(); i++) {
            boolean more = i + 1 < a.size();
            if (a.is(i, "REDIRECT") && more) {
                if (redirect != null) {
                    throw new CommandError("ERR A client can only redirect to a single other client");
                }
                redirect = a.longAt(++i);
            } else if (a.is(i, "BCAST")) {
                bcast = true;
            } else if (a.is(i, "OPTIN")) {
                optIn = true;
            } else if (a.is(i, "OPTOUT")) {
                optOut = true;
            } else if (a.is(i, "NOLOOP")) {
                noLoop = true;
            } else if (a.is(i, "PREFIX") && more) {
                prefixes.add(a.bytes(++i));
            } else {
                throw new CommandError("ERR syntax error");
            }
        }
        Long target = redirect;
        boolean b = bcast;
        boolean in = optIn;
        boolean outMode = optOut;
        boolean loop = noLoop;
        return (ctx, out) -> {
            ClientTracking t = ctx.session().tracking();
            Tracking tracking = ctx.hub().tracking();
            if (!on) {
                tracking.disable(ctx.session().id(), t);
                out.ok();
                return;
            }
            if (target != null && target != ctx.session().id() && ctx.hub().clients().byId(target) == null) {
                out.error("ERR The client ID you want redirect to does not exist");
                return;
            }
            if (!b && !prefixes.isEmpty()) {
                out.error("ERR PREFIX option requires BCAST mode to be enabled");
                return;
            }
            if (t.on() && t.bcast() != b) {
                out.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
                        + "and then re-enabling it with a different mode.");
                return;
            }
            if (b && (in || outMode)) {
                out.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
                return;
            }
            if (in && outMode) {
                out.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
                return;
            }
            if ((in && t.optOut()) || (outMode && t.optIn())) {
                out.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
                        + "and then re-enabling it with a different mode.");
                return;
            }
            List<byte[]> all = new ArrayList<>(t.on() ? t.prefixes() : List.of());
            if (b) {
                String clash = collision(all, prefixes);
                if (clash != null) {
                    out.error(clash);
                    return;
                }
                if (all.isEmpty() && prefixes.isEmpty()) {
                    prefixes.add(new byte[0]); // BCAST without PREFIX: every key
                }
            }
            List<byte[]> added = new ArrayList<>();
            for (byte[] p : prefixes) {
                if (all.stream().noneMatch(x -> Arrays.equals(x, p))) {
                    all.add(p);
                    added.add(p);
                }
            }
            all.sort(Arrays::compareUnsigned);
            t.enable(target == null ? 0 : target, b, in, outMode, loop, all);
            tracking.addPrefixes(ctx.session().id(), added);
            out.ok();
        };
    }

    /** Redis refuses prefixes of one client that contain one another, among the new ones and against the old. */
    private static String collision(List<byte[]> existing, List<byte[]> given) {
        for (byte[] p : given) {
            for (byte[] e : existing) {
                if (overlaps(p, e) && !Arrays.equals(p, e)) {
                    return "ERR Prefix '" + text(p) + "' overlaps with an existing prefix '" + text(e)
                            + "'. Prefixes for a single client must not overlap.";
                }
            }
        }
        for (int i = 0; i < given.size(); i++) {
            for (int j = i + 1; j < given.size(); j++) {
                if (overlaps(given.get(i), given.get(j))) {
                    return "ERR Prefix '" + text(given.get(i)) + "' overlaps with another provided prefix '"
                            + text(given.get(j)) + "'. Prefixes for a single client must not overlap.";
                }
            }
        }
        return null;
    }

    private static boolean overlaps(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.equals(a, 0, n, b, 0, n);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** CLIENT CACHING YES|NO: whether the next command's reads are tracked (OPTIN / OPTOUT modes). */
    private static Execution caching(Args a) throws CommandError {
        boolean yes;
        if (a.is(2, "YES")) {
            yes = true;
        } else if (a.is(2, "NO")) {
            yes = false;
        } else {
            throw new CommandError("ERR syntax error");
        }
        return (ctx, out) -> {
            ClientTracking t = ctx.session().tracking();
            if (!t.on() || !(t.optIn() || t.optOut())) {
                out.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
                        + "OPTOUT mode enabled");
            } else if (yes && !t.optIn()) {
                out.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
            } else if (!yes && !t.optOut()) {
                out.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
            } else {
                t.caching(true);
                out.ok();
            }
        };
    }

    private static void info(CommandContext ctx, RespWriter out) {
        ClientTracking t = ctx.session().tracking();
        out.map(3);
        List<String> flags = new ArrayList<>();
        if (!t.on()) {
            flags.add("off");
        } else {
            flags.add("on");
            if (t.bcast()) {
                flags.add("bcast");
            }
            if (t.optIn()) {
                flags.add("optin");
            }
            if (t.optOut()) {
                flags.add("optout");
            }
            if (t.noLoop()) {
                flags.add("noloop");
            }
            if (t.brokenRedirect()) {
                flags.add("broken_redirect");
            }
        }
        out.bulk("flags").set(flags.size());
        for (String f : flags) {
            out.bulk(f);
        }
        out.bulk("redirect").integer(t.on() ? t.redirect() : -1);
        out.bulk("prefixes").array(t.prefixes().size());
        for (byte[] p : t.prefixes()) {
            out.bulk(p);
        }
    }
}
