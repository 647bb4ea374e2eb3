package io.rockhub.core.encoding;

import io.rockhub.core.util.RoundedTrig;

/**
 * Redis's geohash, the score of a member of a geo set: longitude in [-180, 180] and latitude in
 * [-85.05112878, 85.05112878] (the Web Mercator range) each cut into 2^26 steps, the two 26-bit
 * cell numbers interleaved into 52 bits, latitude bits in the even positions:
 *
 * <pre>
 * score = [lon25 lat25 lon24 lat24 ... lon0 lat0]   (52 bits, as a double: exact)
 * </pre>
 *
 * A member's position reads back as the centre of its cell. Cells of fewer steps (a prefix of the
 * bits) and their eight neighbours are the score ranges a radius or box search reads, as in Redis.
 */
public final class GeoHash {
    public static final double LAT_MIN = -85.05112878;
    public static final double LAT_MAX = 85.05112878;
    public static final double LON_MIN = -180;
    public static final double LON_MAX = 180;
    public static final int STEP_MAX = 26;
    /** Earth's quadratic mean radius for WGS-84, as Redis uses it. */
    public static final double EARTH_RADIUS_METERS = 6372797.560856;
    private static final double MERCATOR_MAX = 20037726.37;
    private static final double D_R = Math.PI / 180.0;

    private GeoHash() {
    }

    /** A cell: {@code step} bits per coordinate, interleaved. */
    public record Bits(long bits, int step) {
        public boolean isZero() {
            return bits == 0 && step == 0;
        }
    }

    /** The bounds of a cell. */
    public record Area(Bits hash, double lonMin, double lonMax, double latMin, double latMax) {
    }

    /** The cell of a point in the given ranges, or null outside them (or outside the WGS-84 limits). */
    public static Bits encode(double lonMin, double lonMax, double latMin, double latMax, double lon, double lat,
                              int step) {
        if (lon > LON_MAX || lon < LON_MIN || lat > LAT_MAX || lat < LAT_MIN) {
            return null;
        }
        if (lat < latMin || lat > latMax || lon < lonMin || lon > lonMax) {
            return null;
        }
        double latOffset = (lat - latMin) / (latMax - latMin);
        double lonOffset = (lon - lonMin) / (lonMax - lonMin);
        latOffset *= (double) (1L << step);
        lonOffset *= (double) (1L << step);
        return new Bits(interleave(toUint32(latOffset), toUint32(lonOffset)), step);
    }

    /** C's conversion of a non-negative double to uint32_t (truncation). */
    private static long toUint32(double d) {
        return ((long) d) & 0xffffffffL;
    }

    public static Bits encodeWgs84(double lon, double lat, int step) {
        return encode(LON_MIN, LON_MAX, LAT_MIN, LAT_MAX, lon, lat, step);
    }

    /** The 52-bit score of a cell: its bits moved to the top of 52. */
    public static long align52(Bits hash) {
        return hash.bits() << (52 - hash.step() * 2);
    }

    public static Area decode(double lonMin, double lonMax, double latMin, double latMax, Bits hash) {
        long sep = deinterleave(hash.bits());
        double latScale = latMax - latMin;
        double lonScale = lonMax - lonMin;
        long ilat = sep & 0xffffffffL;
        long ilon = sep >>> 32;
        double cells = (double) (1L << hash.step());
        return new Area(hash,
                lonMin + (ilon * 1.0 / cells) * lonScale,
                lonMin + ((ilon + 1) * 1.0 / cells) * lonScale,
                latMin + (ilat * 1.0 / cells) * latScale,
                latMin + ((ilat + 1) * 1.0 / cells) * latScale);
    }

    public static Area decodeWgs84(Bits hash) {
        return decode(LON_MIN, LON_MAX, LAT_MIN, LAT_MAX, hash);
    }

    /** {@code [lon, lat]} of a member's score: the centre of its cell, clamped to the limits. */
    public static double[] decodeScore(double score) {
        Area a = decodeWgs84(new Bits(scoreBits(score), STEP_MAX));
        double lon = Math.max(LON_MIN, Math.min(LON_MAX, (a.lonMin() + a.lonMax()) / 2));
        double lat = Math.max(LAT_MIN, Math.min(LAT_MAX, (a.latMin() + a.latMax()) / 2));
        return new double[] {lon, lat};
    }

    /** C's {@code (uint64_t) score} for the scores a geo set holds. */
    private static long scoreBits(double score) {
        if (score >= 0x1p63) {
            return (long) (score - 0x1p63) ^ Long.MIN_VALUE;
        }
        return (long) score;
    }

    /** The 11-character standard geohash of a member (re-encoded over latitude [-90, 90]), as GEOHASH prints it. */
    public static String standard(double score) {
        double[] xy = decodeScore(score);
        Bits hash = encode(-180, 180, -90, 90, xy[0], xy[1], STEP_MAX);
        String alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
        StringBuilder sb = new StringBuilder(11);
        for (int i = 0; i < 11; i++) {
            int idx = i == 10 ? 0 : (int) ((hash.bits() >>> (52 - ((i + 1) * 5))) & 0x1f);
            sb.append(alphabet.charAt(idx));
        }
        return sb.toString();
    }

    private static long interleave(long xlo, long ylo) {
        long x = spread(xlo);
        long y = spread(ylo);
        return x | (y << 1);
    }

    private static long spread(long v) {
        v &= 0xffffffffL;
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v << 2)) & 0x3333333333333333L;
        v = (v | (v << 1)) & 0x5555555555555555L;
        return v;
    }

    /** The inverse of {@link #interleave}: latitude in the low 32 bits, longitude in the high 32. */
    private static long deinterleave(long interleaved) {
        long x = interleaved;
        long y = interleaved >>> 1;
        return squash(x) | (squash(y) << 32);
    }

    private static long squash(long v) {
        v &= 0x5555555555555555L;
        v = (v | (v >>> 1)) & 0x3333333333333333L;
        v = (v | (v >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v >>> 4)) & 0x00FF00FF00FF00FFL;
        v = (v | (v >>> 8)) & 0x0000FFFF0000FFFFL;
        v = (v | (v >>> 16)) & 0x00000000FFFFFFFFL;
        return v;
    }

    /** One cell east/west (longitude, the odd bits) or north/south (latitude, the even bits) of {@code h}. */
    private static Bits moveX(Bits h, int d) {
        return move(h, d, 0xaaaaaaaaaaaaaaaaL);
    }

    private static Bits moveY(Bits h, int d) {
        return move(h, d, 0x5555555555555555L);
    }

    /** Adds {@code d} (+1 or -1) to the coordinate whose bits are {@code mine}, carrying across the other's bits. */
    private static Bits move(Bits h, int d, long mine) {
        if (d == 0) {
            return h;
        }
        long other = ~mine;
        long v = h.bits() & mine;
        long kept = h.bits() & other;
        long zz = other >>> (64 - h.step() * 2);
        if (d > 0) {
            v = v + (zz + 1);
        } else {
            v = (v | zz) - (zz + 1);
        }
        v &= mine >>> (64 - h.step() * 2);
        return new Bits(v | kept, h.step());
    }

    /** North, south, east, west, north-east, north-west, south-east, south-west. */
    public static Bits[] neighbors(Bits h) {
        return new Bits[] {
            moveY(h, 1), moveY(h, -1), moveX(h, 1), moveX(h, -1),
            moveY(moveX(h, 1), 1), moveY(moveX(h, -1), 1), moveY(moveX(h, 1), -1), moveY(moveX(h, -1), -1)};
    }

    /** The cell size whose 3x3 block covers a search of this radius (Redis's estimate). */
    public static int estimateSteps(double rangeMeters, double lat) {
        if (rangeMeters == 0) {
            return 26;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        return Math.max(1, Math.min(26, step));
    }

    public static double degRad(double ang) {
        return ang * D_R;
    }

    public static double radDeg(double ang) {
        return ang / D_R;
    }

    /** Haversine great-circle distance in meters, as Redis 7.0 computes it. */
    public static double distance(double lon1d, double lat1d, double lon2d, double lat2d) {
        double lat1r = degRad(lat1d);
        double lon1r = degRad(lon1d);
        double lat2r = degRad(lat2d);
        double lon2r = degRad(lon2d);
        double u = RoundedTrig.sin((lat2r - lat1r) / 2);
        double v = RoundedTrig.sin((lon2r - lon1r) / 2);
        return 2.0 * EARTH_RADIUS_METERS * RoundedTrig.asin(Math.sqrt(u * u + RoundedTrig.cos(lat1r) * RoundedTrig.cos(lat2r) * v * v));
    }
}
