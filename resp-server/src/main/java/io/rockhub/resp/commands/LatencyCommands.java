package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.server.LatencyMonitor;
import io.rockhub.resp.server.ServerStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** LATENCY: the latency monitor's events ({@link LatencyMonitor}) and per-command latency histograms. */
final class LatencyCommands {
    private static final String FLAGS = "admin noscript loading stale";
    private static final String CATEGORIES = "@admin @slow @dangerous";
    private static final String ALL_NODES = "nondeterministic_output request_policy:all_nodes response_policy:special";

    private LatencyCommands() {
    }

    static void register(CommandTable t) {
        t.add(container("latency", -2, "", "@slow",
                of("latest", 2, FLAGS, 0, 0, 0, CATEGORIES, LatencyCommands::latest).tips(ALL_NODES),
                of("history", 3, FLAGS, 0, 0, 0, CATEGORIES, LatencyCommands::history).tips(ALL_NODES),
                of("graph", 3, FLAGS, 0, 0, 0, CATEGORIES, LatencyCommands::graph).tips(ALL_NODES),
                of("doctor", 2, FLAGS, 0, 0, 0, CATEGORIES, LatencyCommands::doctor).tips(ALL_NODES),
                of("histogram", -2, FLAGS, 0, 0, 0, CATEGORIES, LatencyCommands::histogram).tips(ALL_NODES),
                of("reset", -2, FLAGS, 0, 0, 0, CATEGORIES, LatencyCommands::reset)
                    .tips("request_policy:all_nodes response_policy:all_succeeded"),
                of("help", 2, "loading stale", 0, 0, 0, "@slow", a -> (ctx, out) -> HelpText.write(out, "LATENCY",
                        "DOCTOR", "    Return a human readable latency analysis report.",
                        "GRAPH <event>", "    Return an ASCII latency graph for the <event> class.",
                        "HISTORY <event>", "    Return time-latency samples for the <event> class.",
                        "LATEST", "    Return the latest latency samples for all events.",
                        "RESET [<event> ...]", "    Reset latency data of one or more <event> classes.",
                        "    (default: reset all data for all event classes)",
                        "HISTOGRAM [COMMAND ...]", "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
                        "    If no commands are specified then all histograms are replied."))));
    }

    private static Execution latest(Args a) {
        return (ctx, out) -> {
            List<LatencyMonitor.Event> events = ctx.hub().latency().events();
            out.array(events.size());
            for (LatencyMonitor.Event e : events) {
                LatencyMonitor.Sample last = e.samples().get(e.samples().size() - 1);
                out.array(4).bulk(e.name()).integer(last.timeSeconds()).integer(last.latencyMillis()).integer(e.max());
            }
        };
    }

    private static Execution history(Args a) {
        String event = a.string(2);
        return (ctx, out) -> {
            List<LatencyMonitor.Sample> samples = ctx.hub().latency().history(event);
            out.array(samples.size());
            for (LatencyMonitor.Sample s : samples) {
                out.array(2).integer(s.timeSeconds()).integer(s.latencyMillis());
            }
        };
    }

    /** A plain chart of an event's samples (Redis draws one with sparklines; the numbers are the same). */
    private static Execution graph(Args a) {
        String event = a.string(2);
        return (ctx, out) -> {
            List<LatencyMonitor.Sample> samples = ctx.hub().latency().history(event);
            if (samples.isEmpty()) {
                out.error("ERR No samples available for event '" + event + "'");
                return;
            }
            StringBuilder sb = new StringBuilder(event).append(" - high ")
                    .append(samples.stream().mapToLong(LatencyMonitor.Sample::latencyMillis).max().orElse(0))
                    .append(" ms, low ")
                    .append(samples.stream().mapToLong(LatencyMonitor.Sample::latencyMillis).min().orElse(0))
                    .append(" ms\n");
            for (LatencyMonitor.Sample s : samples) {
                sb.append(s.timeSeconds()).append(' ').append("#".repeat((int) Math.min(60, s.latencyMillis())))
                        .append(' ').append(s.latencyMillis()).append(" ms\n");
            }
            out.verbatim(sb.toString());
        };
    }

    private static Execution doctor(Args a) {
        return (ctx, out) -> {
            List<LatencyMonitor.Event> events = ctx.hub().latency().events();
            long threshold = ctx.hub().config().getLong("latency-monitor-threshold");
            String report;
            if (events.isEmpty() && threshold == 0) {
                report = "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. "
                        + "You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. "
                        + "If we weren't in a deep space mission I'd suggest to take a look at "
                        + "https://redis.io/topics/latency-monitor.\n";
            } else if (events.isEmpty()) {
                report = "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the "
                        + "slightest bit. I honestly think you ought to sleep tonight.\n";
            } else {
                StringBuilder sb = new StringBuilder("Dave, I have observed latency spikes in this Redis instance. "
                        + "You don't mind talking about it, do you Dave?\n\n");
                int i = 1;
                for (LatencyMonitor.Event e : events) {
                    long sum = 0;
                    for (LatencyMonitor.Sample s : e.samples()) {
                        sum += s.latencyMillis();
                    }
                    sb.append(i++).append(". ").append(e.name()).append(": ").append(e.samples().size())
                            .append(" latency spikes (average ").append(sum / e.samples().size())
                            .append("ms, worst all time ").append(e.max()).append("ms).\n");
                }
                sb.append("\nI have a few advices for you:\n\n- Check the slow log (SLOWLOG GET) for the commands that "
                        + "took longest, and the RocksDB section of INFO for stalls and compactions.\n");
                report = sb.toString();
            }
            out.verbatim(report);
        };
    }

    private static Execution reset(Args a) {
        List<String> events = new ArrayList<>();
        for (int i = 2; i < a.size(); i++) {
            events.add(a.string(i));
        }
        return (ctx, out) -> out.integer(ctx.hub().latency().reset(events));
    }

    /** LATENCY HISTOGRAM [command ...]: per command, calls and how many took at most 1, 2, 4, ... microseconds. */
    private static Execution histogram(Args a) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < a.size(); i++) {
            names.add(a.string(i).toLowerCase(Locale.ROOT));
        }
        return (ctx, out) -> {
            Map<String, ServerStats.CommandCounter> all = ctx.hub().stats().perCommand();
            List<Map.Entry<String, ServerStats.CommandCounter>> chosen = new ArrayList<>();
            for (Map.Entry<String, ServerStats.CommandCounter> e : all.entrySet()) {
                boolean named = names.isEmpty() || names.contains(e.getKey()) || names.contains(e.getKey().split("\\|")[0]);
                if (named && e.getValue().calls() > 0) {
                    chosen.add(e);
                }
            }
            out.map(chosen.size());
            for (Map.Entry<String, ServerStats.CommandCounter> e : chosen) {
                List<long[]> buckets = e.getValue().cumulativeByPowerOfTwo();
                out.bulk(e.getKey()).map(2).bulk("calls").integer(e.getValue().calls()).bulk("histogram_usec").map(buckets.size());
                for (long[] b : buckets) {
                    out.integer(b[0]).integer(b[1]);
                }
            }
        };
    }
}
