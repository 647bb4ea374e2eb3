package io.rockhub.core.types;

import io.rockhub.core.encoding.GeoHash;
import io.rockhub.core.encoding.GeoHash.Bits;
import io.rockhub.core.util.RoundedTrig;
import io.rockhub.core.types.ZSetStore.ScoreBound;
import io.rockhub.core.types.ZSetStore.ScoredMember;
import java.util.ArrayList;
import java.util.List;

/**
 * Geo searches over a sorted set whose scores are {@link GeoHash} cells, as Redis does them: the
 * cell size is estimated from the radius, the centre cell and its eight neighbours (those that can
 * hold a match) are read as score ranges in Redis's order, and each member is kept if it lies in the
 * circle or box. Writes are ZADDs ({@link ZSetStore}).
 */
public final class GeoStore {
    private final ZSetStore zsets;

    public GeoStore(ZSetStore zsets) {
        this.zsets = zsets;
    }

    /**
     * A search area around (lon, lat): a circle of {@code radius}, or a box of {@code width} by
     * {@code height}, in a unit of {@code conversion} meters.
     */
    public record Shape(double lon, double lat, boolean box, double radius, double width, double height,
                        double conversion) {
    }

    /** A match: its position (the centre of its cell), distance from the centre in meters, and score. */
    public record Point(byte[] member, double lon, double lat, double distance, double score) {
    }

    /** Members of {@code key} inside the shape, in the order Redis finds them; at most {@code limit} (0 = all). */
    public Result<List<Point>> search(byte[] key, Shape shape, long limit) {
        List<Point> out = new ArrayList<>();
        Bits[] cells = cells(shape);
        int lastProcessed = 0;
        for (int i = 0; i < cells.length; i++) {
            Bits cell = cells[i];
            if (cell == null || cell.isZero()) {
                continue;
            }
            // With a huge radius a neighbour can repeat the one read before it (Redis compares with
            // the last neighbour read, never with the centre).
            if (lastProcessed != 0 && cells[lastProcessed].equals(cell)) {
                continue;
            }
            if (limit > 0 && out.size() >= limit) {
                break;
            }
            long min = GeoHash.align52(cell);
            long max = GeoHash.align52(new Bits(cell.bits() + 1, cell.step()));
            Result<List<ScoredMember>> r = zsets.rangeByScore(key, new ScoreBound(min, false), new ScoreBound(max, true),
                    false, 0, Long.MAX_VALUE);
            if (!r.isOk()) {
                return Result.of(r.status());
            }
            for (ScoredMember m : r.value()) {
                Point p = within(shape, m);
                if (p != null) {
                    out.add(p);
                }
                if (limit > 0 && out.size() >= limit) {
                    break;
                }
            }
            lastProcessed = i;
        }
        return Result.ok(out);
    }

    private static Point within(Shape s, ScoredMember m) {
        double[] xy = GeoHash.decodeScore(m.score());
        double distance;
        if (!s.box()) {
            distance = GeoHash.distance(s.lon(), s.lat(), xy[0], xy[1]);
            if (distance > s.radius() * s.conversion()) {
                return null;
            }
        } else {
            double lonDistance = GeoHash.distance(xy[0], xy[1], s.lon(), xy[1]);
            double latDistance = GeoHash.distance(xy[0], xy[1], xy[0], s.lat());
            if (lonDistance > s.width() * s.conversion() / 2 || latDistance > s.height() * s.conversion() / 2) {
                return null;
            }
            distance = GeoHash.distance(s.lon(), s.lat(), xy[0], xy[1]);
        }
        return new Point(m.member(), xy[0], xy[1], distance, m.score());
    }

    /** The centre cell and its neighbours that can hold a match (null where excluded): Redis's search area. */
    static Bits[] cells(Shape s) {
        double height = s.conversion() * (s.box() ? s.height() / 2 : s.radius());
        double width = s.conversion() * (s.box() ? s.width() / 2 : s.radius());
        double latDelta = GeoHash.radDeg(height / GeoHash.EARTH_RADIUS_METERS);
        double lonDeltaTop = GeoHash.radDeg(width / GeoHash.EARTH_RADIUS_METERS
                / RoundedTrig.cos(GeoHash.degRad(s.lat() + latDelta)));
        double lonDeltaBottom = GeoHash.radDeg(width / GeoHash.EARTH_RADIUS_METERS
                / RoundedTrig.cos(GeoHash.degRad(s.lat() - latDelta)));
        boolean southern = s.lat() < 0;
        double minLon = southern ? s.lon() - lonDeltaBottom : s.lon() - lonDeltaTop;
        double maxLon = southern ? s.lon() + lonDeltaBottom : s.lon() + lonDeltaTop;
        double minLat = s.lat() - latDelta;
        double maxLat = s.lat() + latDelta;

        double radiusMeters = s.box()
                ? Math.sqrt((s.width() / 2) * (s.width() / 2) + (s.height() / 2) * (s.height() / 2))
                : s.radius();
        radiusMeters *= s.conversion();
        int steps = GeoHash.estimateSteps(radiusMeters, s.lat());
        Bits hash = GeoHash.encodeWgs84(s.lon(), s.lat(), steps);
        Bits[] n = GeoHash.neighbors(hash);
        GeoHash.Area north = GeoHash.decodeWgs84(n[0]);
        GeoHash.Area south = GeoHash.decodeWgs84(n[1]);
        GeoHash.Area east = GeoHash.decodeWgs84(n[2]);
        GeoHash.Area west = GeoHash.decodeWgs84(n[3]);
        boolean decrease = north.latMax() < maxLat || south.latMin() > minLat
                || east.lonMax() < maxLon || west.lonMin() > minLon;
        if (steps > 1 && decrease) {
            steps--;
            hash = GeoHash.encodeWgs84(s.lon(), s.lat(), steps);
            n = GeoHash.neighbors(hash);
        }
        GeoHash.Area area = GeoHash.decodeWgs84(hash);
        // n: north, south, east, west, north-east, north-west, south-east, south-west
        if (steps >= 2) {
            if (area.latMin() < minLat) {
                n[1] = null;
                n[7] = null;
                n[6] = null;
            }
            if (area.latMax() > maxLat) {
                n[0] = null;
                n[4] = null;
                n[5] = null;
            }
            if (area.lonMin() < minLon) {
                n[3] = null;
                n[7] = null;
                n[5] = null;
            }
            if (area.lonMax() > maxLon) {
                n[2] = null;
                n[6] = null;
                n[4] = null;
            }
        }
        return new Bits[] {hash, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]};
    }
}
