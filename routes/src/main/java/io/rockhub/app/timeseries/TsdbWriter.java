package io.rockhub.app.timeseries;

import java.util.List;

/** A time-series database the samples go to. */
public interface TsdbWriter {
    /** One sample: time in milliseconds and value. */
    record Sample(long timeMillis, double value) {
    }

    /** The new samples of one key, sorted by time. */
    record Batch(String key, SeriesTemplate.Series series, List<Sample> samples) {
    }

    /** How a write went: accepted, rejected for good (4xx: out of order, too old, bad data), or to retry. */
    record Outcome(Kind kind, String message) {
        public enum Kind { ACCEPTED, REJECTED, RETRY }

        static Outcome accepted() {
            return new Outcome(Kind.ACCEPTED, "");
        }
    }

    Outcome write(List<Batch> batches);

    /** A short name for metrics and watermarks: prometheus, influxdb. */
    String name();
}
