package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.GeoHash;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.types.GeoStore;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.ZSetStore;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Geo commands over sorted sets whose scores are geohashes ({@link GeoHash}); searches in
 * {@link GeoStore}. GEORADIUS and friends look their key up before they read their options, as
 * Redis does, so their options are read when they run.
 */
final class GeoCommands {
    private static final String BAD_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI";
    private static final String NO_MEMBER = "ERR could not decode requested zset member";

    private GeoCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("geoadd", -5, "write denyoom", 1, 1, 1, "@write @geo @slow", GeoCommands::geoadd)
            .keys("RW update index 1 range 0 1 0"))
         .add(of("geopos", -2, "readonly", 1, 1, 1, "@read @geo @slow", GeoCommands::geopos)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("geodist", -4, "readonly", 1, 1, 1, "@read @geo @slow", GeoCommands::geodist)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("geohash", -2, "readonly", 1, 1, 1, "@read @geo @slow", GeoCommands::geohash)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("geosearch", -7, "readonly", 1, 1, 1, "@read @geo @slow", a -> search(a, 1, Mode.SEARCH))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("geosearchstore", -8, "write denyoom", 1, 2, 1, "@write @geo @slow", a -> search(a, 2, Mode.SEARCHSTORE))
             .keys("OW update index 1 range 0 1 0|RO access index 2 range 0 1 0"))
         .add(of("georadius", -6, "write denyoom movablekeys", 1, 1, 1, "@write @geo @slow", a -> search(a, 1, Mode.RADIUS))
             .keys("RO access index 1 range 0 1 0|OW update keyword STORE 6 range 0 1 0|OW update keyword STOREDIST 6 range 0 1 0"))
         .add(of("georadius_ro", -6, "readonly", 1, 1, 1, "@read @geo @slow", a -> search(a, 1, Mode.RADIUS_RO))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("georadiusbymember", -5, "write denyoom movablekeys", 1, 1, 1, "@write @geo @slow",
                 a -> search(a, 1, Mode.BYMEMBER))
             .keys("RO access index 1 range 0 1 0|OW update keyword STORE 5 range 0 1 0|OW update keyword STOREDIST 5 range 0 1 0"))
         .add(of("georadiusbymember_ro", -5, "readonly", 1, 1, 1, "@read @geo @slow", a -> search(a, 1, Mode.BYMEMBER_RO))
             .keys("RO access index 1 range 0 1 0"));
    }

    private static ZSetStore zsets(CommandContext ctx) {
        return ctx.hub().zsets();
    }

    /** C's {@code %f} family: the exact binary value rounded to {@code places} decimals. */
    static String fixed(double d, int places) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(d).setScale(places, RoundingMode.HALF_EVEN).toPlainString();
        return (d < 0 || (d == 0 && 1 / d < 0)) && !s.startsWith("-") ? "-" + s : s;
    }

    /** Longitude and latitude from two arguments, or the reply Redis gives for them. */
    private static double[] lonLat(byte[] lon, byte[] lat) throws CommandError {
        Double x = Numbers.parseScore(lon, false);
        Double y = x == null ? null : Numbers.parseScore(lat, false);
        if (x == null || y == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        if (x < GeoHash.LON_MIN || x > GeoHash.LON_MAX || y < GeoHash.LAT_MIN || y > GeoHash.LAT_MAX) {
            throw new CommandError("ERR invalid longitude,latitude pair " + fixed(x, 6) + "," + fixed(y, 6));
        }
        return new double[] {x, y};
    }

    private static double unit(byte[] u) throws CommandError {
        String s = new String(u, java.nio.charset.StandardCharsets.UTF_8);
        if (s.equalsIgnoreCase("m")) {
            return 1;
        } else if (s.equalsIgnoreCase("km")) {
            return 1000;
        } else if (s.equalsIgnoreCase("ft")) {
            return 0.3048;
        } else if (s.equalsIgnoreCase("mi")) {
            return 1609.34;
        }
        throw new CommandError(BAD_UNIT);
    }

    /** GEOADD key [NX | XX] [CH] longitude latitude member ...: a ZADD of geohash scores. */
    private static Execution geoadd(Args a) throws CommandError {
        boolean nx = false;
        boolean xx = false;
        boolean ch = false;
        int at = 2;
        for (; at < a.size(); at++) {
            if (a.is(at, "NX")) {
                nx = true;
            } else if (a.is(at, "XX")) {
                xx = true;
            } else if (a.is(at, "CH")) {
                ch = true;
            } else {
                break;
            }
        }
        if ((a.size() - at) % 3 != 0 || (nx && xx)) {
            throw new CommandError(Errors.SYNTAX);
        }
        List<ZSetStore.ScoredMember> pairs = new ArrayList<>();
        for (int i = at; i < a.size(); i += 3) {
            double[] xy = lonLat(a.bytes(i), a.bytes(i + 1));
            long score = GeoHash.align52(GeoHash.encodeWgs84(xy[0], xy[1], GeoHash.STEP_MAX));
            pairs.add(new ZSetStore.ScoredMember(a.bytes(i + 2), score));
        }
        byte[] key = a.bytes(1);
        ZSetStore.AddOptions options = new ZSetStore.AddOptions(nx, xx, false, false, ch, false);
        return (ctx, out) -> {
            Result<ZSetStore.AddOutcome> r = zsets(ctx).add(key, pairs, options);
            if (!Replies.error(out, r.status())) {
                out.integer(r.value().count());
            }
        };
    }

    /** The scores of the members; WRONG_TYPE for another type, nulls for a missing key. */
    private static Result<List<Double>> scores(CommandContext ctx, byte[] key, List<byte[]> members) {
        return zsets(ctx).scores(key, members);
    }

    private static void coordinate(RespWriter out, double v) {
        out.bulk(Numbers.humanDecimal(new BigDecimal(v)));
    }

    private static Execution geopos(Args a) {
        byte[] key = a.bytes(1);
        List<byte[]> members = List.copyOf(a.slice(2));
        return (ctx, out) -> {
            Result<List<Double>> r = scores(ctx, key, members);
            if (Replies.error(out, r.status())) {
                return;
            }
            out.array(members.size());
            for (Double score : r.value()) {
                if (score == null) {
                    out.nullArray();
                } else {
                    double[] xy = GeoHash.decodeScore(score);
                    out.array(2);
                    coordinate(out, xy[0]);
                    coordinate(out, xy[1]);
                }
            }
        };
    }

    private static Execution geohash(Args a) {
        byte[] key = a.bytes(1);
        List<byte[]> members = List.copyOf(a.slice(2));
        return (ctx, out) -> {
            Result<List<Double>> r = scores(ctx, key, members);
            if (Replies.error(out, r.status())) {
                return;
            }
            out.array(members.size());
            for (Double score : r.value()) {
                out.bulk(score == null ? null : GeoHash.standard(score).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        };
    }

    private static Execution geodist(Args a) throws CommandError {
        double toMeters = 1;
        if (a.size() == 5) {
            toMeters = unit(a.bytes(4));
        } else if (a.size() > 5) {
            throw new CommandError(Errors.SYNTAX);
        }
        byte[] key = a.bytes(1);
        List<byte[]> members = List.of(a.bytes(2), a.bytes(3));
        double conversion = toMeters;
        return (ctx, out) -> {
            Result<List<Double>> r = scores(ctx, key, members);
            if (Replies.error(out, r.status())) {
                return;
            }
            Double s1 = r.value().get(0);
            Double s2 = r.value().get(1);
            if (s1 == null || s2 == null) {
                out.nullBulk();
                return;
            }
            double[] p1 = GeoHash.decodeScore(s1);
            double[] p2 = GeoHash.decodeScore(s2);
            out.bulk(fixed(GeoHash.distance(p1[0], p1[1], p2[0], p2[1]) / conversion, 4));
        };
    }

    private enum Mode {
        RADIUS(true, false, false), RADIUS_RO(true, false, true), BYMEMBER(false, false, false),
        BYMEMBER_RO(false, false, true), SEARCH(false, true, true), SEARCHSTORE(false, true, false);

        final boolean coords;
        final boolean search;
        final boolean noStore;

        Mode(boolean coords, boolean search, boolean noStore) {
            this.coords = coords;
            this.search = search;
            this.noStore = noStore;
        }
    }

    /** GEORADIUS, GEORADIUSBYMEMBER (and _RO), GEOSEARCH, GEOSEARCHSTORE. */
    private static Execution search(Args a, int srcIndex, Mode mode) {
        return (ctx, out) -> {
            try {
                new Search(a, srcIndex, mode, ctx).run(out);
            } catch (CommandError e) {
                out.error(e.getMessage());
            }
        };
    }

    /** One run of a geo search, reading its options in Redis's order once the key is looked up. */
    private static final class Search {
        private final Args a;
        private final int src;
        private final Mode mode;
        private final CommandContext ctx;
        private final byte[] key;

        Search(Args a, int src, Mode mode, CommandContext ctx) {
            this.a = a;
            this.src = src;
            this.mode = mode;
            this.ctx = ctx;
            this.key = a.bytes(src);
        }

        private double number(int i, String error) throws CommandError {
            Double d = Numbers.parseScore(a.bytes(i), false);
            if (d == null) {
                throw new CommandError(error);
            }
            return d;
        }

        private double[] memberPosition(byte[] member) throws CommandError {
            Result<List<Double>> r = zsets(ctx).scores(key, List.of(member));
            Double score = r.isOk() ? r.value().get(0) : null;
            if (score == null) {
                throw new CommandError(NO_MEMBER);
            }
            return GeoHash.decodeScore(score);
        }

        void run(RespWriter out) throws CommandError {
            Metadata zobj = ctx.hub().keys().live(key);
            if (zobj != null && zobj.type() != DataType.ZSET) {
                out.error(Errors.WRONG_TYPE);
                return;
            }
            boolean exists = zobj != null;
            double[] xy = null;
            boolean box = false;
            double radius = 0;
            double width = 0;
            double height = 0;
            double conversion = 1;
            byte[] storeKey = null;
            boolean storeDist = false;
            int base;
            if (mode.coords) {
                base = 6;
                xy = lonLat(a.bytes(2), a.bytes(3));
                radius = number(4, "ERR need numeric radius");
                if (radius < 0) {
                    throw new CommandError("ERR radius cannot be negative");
                }
                conversion = unit(a.bytes(5));
            } else if (!mode.search) {
                base = 5;
                if (exists) {
                    xy = memberPosition(a.bytes(2));
                    radius = number(3, "ERR need numeric radius");
                    if (radius < 0) {
                        throw new CommandError("ERR radius cannot be negative");
                    }
                    conversion = unit(a.bytes(4));
                }
            } else {
                base = mode == Mode.SEARCHSTORE ? 3 : 2;
                if (mode == Mode.SEARCHSTORE) {
                    storeKey = a.bytes(1);
                }
            }
            boolean withDist = false;
            boolean withHash = false;
            boolean withCoord = false;
            boolean fromMember = false;
            boolean fromLoc = false;
            boolean byRadius = false;
            boolean byBox = false;
            int sort = 0;
            boolean any = false;
            long count = 0;
            int remaining = a.size() - base;
            for (int i = 0; i < remaining; i++) {
                int at = base + i;
                String arg = a.option(at);
                if (arg.equals("WITHDIST")) {
                    withDist = true;
                } else if (arg.equals("WITHHASH")) {
                    withHash = true;
                } else if (arg.equals("WITHCOORD")) {
                    withCoord = true;
                } else if (arg.equals("ANY")) {
                    any = true;
                } else if (arg.equals("ASC")) {
                    sort = 1;
                } else if (arg.equals("DESC")) {
                    sort = 2;
                } else if (arg.equals("COUNT") && i + 1 < remaining) {
                    count = a.longAt(at + 1);
                    if (count <= 0) {
                        throw new CommandError("ERR COUNT must be > 0");
                    }
                    i++;
                } else if ((arg.equals("STORE") || arg.equals("STOREDIST")) && i + 1 < remaining && !mode.noStore
                        && !mode.search) {
                    storeKey = a.bytes(at + 1);
                    storeDist = arg.equals("STOREDIST");
                    i++;
                } else if (arg.equals("STOREDIST") && mode == Mode.SEARCHSTORE) {
                    storeDist = true;
                } else if (arg.equals("FROMMEMBER") && i + 1 < remaining && mode.search && !fromLoc) {
                    if (exists) {
                        xy = memberPosition(a.bytes(at + 1));
                    }
                    fromMember = true;
                    i++;
                } else if (arg.equals("FROMLONLAT") && i + 2 < remaining && mode.search && !fromMember) {
                    xy = lonLat(a.bytes(at + 1), a.bytes(at + 2));
                    fromLoc = true;
                    i += 2;
                } else if (arg.equals("BYRADIUS") && i + 2 < remaining && mode.search && !byBox) {
                    radius = number(at + 1, "ERR need numeric radius");
                    if (radius < 0) {
                        throw new CommandError("ERR radius cannot be negative");
                    }
                    conversion = unit(a.bytes(at + 2));
                    box = false;
                    byRadius = true;
                    i += 2;
                } else if (arg.equals("BYBOX") && i + 3 < remaining && mode.search && !byRadius) {
                    width = number(at + 1, "ERR need numeric width");
                    height = number(at + 2, "ERR need numeric height");
                    if (height < 0 || width < 0) {
                        throw new CommandError("ERR height or width cannot be negative");
                    }
                    conversion = unit(a.bytes(at + 3));
                    box = true;
                    byBox = true;
                    i += 3;
                } else {
                    throw new CommandError(Errors.SYNTAX);
                }
            }
            if (storeKey != null && (withDist || withHash || withCoord)) {
                throw new CommandError("ERR " + (mode == Mode.SEARCHSTORE ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                        + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            }
            if (mode.search && !(fromMember || fromLoc)) {
                throw new CommandError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + a.string(0));
            }
            if (mode.search && !(byRadius || byBox)) {
                throw new CommandError("ERR exactly one of BYRADIUS and BYBOX can be specified for " + a.string(0));
            }
            if (any && count == 0) {
                throw new CommandError("ERR the ANY argument requires COUNT argument");
            }
            if (!exists) {
                if (storeKey != null) {
                    zsets(ctx).store(storeKey, List.of(), mode.search ? "geosearchstore" : "georadiusstore");
                    out.integer(0);
                } else {
                    out.array(0);
                }
                return;
            }
            if (count != 0 && sort == 0 && !any) {
                sort = 1;
            }
            GeoStore.Shape shape = new GeoStore.Shape(xy[0], xy[1], box, radius, width, height, conversion);
            Result<List<GeoStore.Point>> found = ctx.hub().geo().search(key, shape, any ? count : 0);
            if (Replies.error(out, found.status())) {
                return;
            }
            List<GeoStore.Point> points = new ArrayList<>(found.value());
            if (points.isEmpty() && storeKey == null) {
                out.array(0);
                return;
            }
            if (sort != 0) {
                Comparator<GeoStore.Point> byDistance = Comparator.comparingDouble(GeoStore.Point::distance);
                points.sort(sort == 1 ? byDistance : byDistance.reversed());
            }
            int returned = (int) (count == 0 || points.size() < count ? points.size() : count);
            if (storeKey == null) {
                int options = (withDist ? 1 : 0) + (withCoord ? 1 : 0) + (withHash ? 1 : 0);
                out.array(returned);
                for (int i = 0; i < returned; i++) {
                    GeoStore.Point p = points.get(i);
                    if (options > 0) {
                        out.array(options + 1);
                    }
                    out.bulk(p.member());
                    if (withDist) {
                        out.bulk(fixed(p.distance() / conversion, 4));
                    }
                    if (withHash) {
                        out.integer((long) p.score());
                    }
                    if (withCoord) {
                        out.array(2);
                        coordinate(out, p.lon());
                        coordinate(out, p.lat());
                    }
                }
                return;
            }
            List<ZSetStore.ScoredMember> stored = new ArrayList<>(returned);
            for (int i = 0; i < returned; i++) {
                GeoStore.Point p = points.get(i);
                stored.add(new ZSetStore.ScoredMember(p.member(), storeDist ? p.distance() / conversion : p.score()));
            }
            zsets(ctx).store(storeKey, stored, mode.search ? "geosearchstore" : "georadiusstore");
            out.integer(returned);
        }
    }
}
