package io.rockhub.resp.pubsub;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.commands.HelpText;
import io.rockhub.resp.protocol.RespWriter;
import java.util.ArrayList;
import java.util.List;

/** SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their UNSUBSCRIBEs, PUBLISH, SPUBLISH and PUBSUB, as Redis 7.0. */
public final class PubSubCommands {
    private PubSubCommands() {
    }

    public static void register(CommandTable t) {
        String flags = "pubsub noscript loading stale";
        t.add(of("subscribe", -2, flags, 0, 0, 0, "@pubsub @slow", a -> subscribe(a, PubSub.Kind.CHANNEL)))
         .add(of("psubscribe", -2, flags, 0, 0, 0, "@pubsub @slow", a -> subscribe(a, PubSub.Kind.PATTERN)))
         .add(of("ssubscribe", -2, flags, 1, -1, 1, "@pubsub @slow", a -> subscribe(a, PubSub.Kind.SHARD))
             .keys("not_key index 1 range -1 1 0"))
         .add(of("unsubscribe", -1, flags, 0, 0, 0, "@pubsub @slow", a -> unsubscribe(a, PubSub.Kind.CHANNEL)))
         .add(of("punsubscribe", -1, flags, 0, 0, 0, "@pubsub @slow", a -> unsubscribe(a, PubSub.Kind.PATTERN)))
         .add(of("sunsubscribe", -1, flags, 1, -1, 1, "@pubsub @slow", a -> unsubscribe(a, PubSub.Kind.SHARD))
             .keys("not_key index 1 range -1 1 0"))
         .add(of("publish", 3, "pubsub loading stale fast", 0, 0, 0, "@pubsub @fast", a -> publish(a, false)))
         .add(of("spublish", 3, "pubsub loading stale fast", 1, 1, 1, "@pubsub @fast", a -> publish(a, true))
             .keys("not_key index 1 range 0 1 0"))
         .add(of("monitor", 1, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous",
                 a -> PubSubCommands::monitor))
         .add(container("pubsub", -2, "", "@slow",
                 of("channels", -2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", a -> channels(a, false)),
                 of("numsub", -2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", a -> numsub(a, false)),
                 of("numpat", 2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow",
                         a -> (ctx, out) -> out.integer(ctx.hub().pubsub().patternCount())),
                 of("shardchannels", -2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", a -> channels(a, true)),
                 of("shardnumsub", -2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", a -> numsub(a, true)),
                 of("help", 2, "loading stale", 0, 0, 0, "@slow", a -> (ctx, out) -> HelpText.write(out, "PUBSUB",
                         "CHANNELS [<pattern>]",
                         "    Return the currently active channels matching a <pattern> (default: '*').",
                         "NUMPAT",
                         "    Return number of subscriptions to patterns.",
                         "NUMSUB [<channel> ...]",
                         "    Return the number of subscribers for the specified channels, excluding",
                         "    pattern subscriptions(default: no channels).",
                         "SHARDCHANNELS [<pattern>]",
                         "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                         "SHARDNUMSUB [<shardchannel> ...]",
                         "    Return the number of subscribers for the specified shard level channel(s)"))));
    }

    /** MONITOR: from now on this connection receives every command run; a second MONITOR answers nothing. */
    private static void monitor(io.rockhub.resp.command.CommandContext ctx, RespWriter out) {
        if (ctx.session().monitoring()) {
            return;
        }
        if (ctx.session().executingTransaction()) {
            out.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
            return;
        }
        ctx.session().monitoring(true);
        out.ok();
        ctx.hub().monitors().add(ctx.session().subscriber());
    }

    private static String confirmation(PubSub.Kind kind, boolean subscribing) {
        String verb = subscribing ? "subscribe" : "unsubscribe";
        return switch (kind) {
            case CHANNEL -> verb;
            case PATTERN -> "p" + verb;
            case SHARD -> "s" + verb;
        };
    }

    private static Execution subscribe(Args a, PubSub.Kind kind) {
        List<byte[]> names = a.all().subList(1, a.size());
        String verb = confirmation(kind, true);
        return (ctx, out) -> {
            Subscriber s = ctx.session().subscriber();
            for (byte[] name : names) {
                PubSub.Change c = ctx.hub().pubsub().subscribe(s, kind, name);
                out.push(3).bulk(verb).bulk(name).integer(c.count());
            }
        };
    }

    private static Execution unsubscribe(Args a, PubSub.Kind kind) {
        List<byte[]> given = a.all().subList(1, a.size());
        String verb = confirmation(kind, false);
        return (ctx, out) -> {
            Subscriber s = ctx.session().subscriber();
            PubSub pubsub = ctx.hub().pubsub();
            List<byte[]> names = given.isEmpty() ? pubsub.subscriptions(s, kind) : given;
            if (names.isEmpty()) {
                // Nothing to drop: one confirmation with a null name and the current count.
                out.push(3).bulk(verb).nullBulk()
                        .integer(kind == PubSub.Kind.SHARD ? s.shardCount() : s.subscriptionCount());
                return;
            }
            for (byte[] name : names) {
                PubSub.Change c = pubsub.unsubscribe(s, kind, name);
                out.push(3).bulk(verb).bulk(name).integer(c.count());
            }
        };
    }

    private static Execution publish(Args a, boolean shard) {
        byte[] channel = a.bytes(1);
        byte[] message = a.bytes(2);
        return (ctx, out) -> {
            Subscriber self = ctx.session().subscriberIfAny();
            PubSub pubsub = ctx.hub().pubsub();
            out.integer(shard ? pubsub.publishShard(channel, message, self) : pubsub.publish(channel, message, self));
        };
    }

    private static Execution channels(Args a, boolean shard) throws CommandError {
        if (a.size() > 3) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for '" + a.string(1)
                    + "'. Try PUBSUB HELP.");
        }
        byte[] pattern = a.size() == 3 ? a.bytes(2) : null;
        return (ctx, out) -> {
            List<byte[]> names = ctx.hub().pubsub().activeChannels(shard, pattern);
            out.array(names.size());
            for (byte[] n : names) {
                out.bulk(n);
            }
        };
    }

    private static Execution numsub(Args a, boolean shard) {
        List<byte[]> names = new ArrayList<>(a.all().subList(2, a.size()));
        return (ctx, out) -> {
            out.array(names.size() * 2L);
            for (byte[] n : names) {
                out.bulk(n).integer(ctx.hub().pubsub().subscriberCount(shard, n));
            }
        };
    }

    /** PING's reply in RESP2 subscribed mode: {@code *2 $4 pong $msg} (an empty message when none given). */
    public static void pongInSubscribedMode(RespWriter out, byte[] message) {
        out.array(2).bulk("pong").bulk(message == null ? new byte[0] : message);
    }

    /** Whether a RESP2 client in subscribed mode may run this command. */
    public static boolean allowedWhileSubscribed(String command) {
        return switch (command) {
            case "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe",
                 "ping", "quit", "reset" -> true;
            default -> false;
        };
    }
}
