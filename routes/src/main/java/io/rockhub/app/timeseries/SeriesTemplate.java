package io.rockhub.app.timeseries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a time-series key maps to a series: {@code metrics:{entity}:{metric}} matches
 * {@code metrics:pump-7:pressure} and gives the series {@code pressure{entity="pump-7"}}. The
 * {@code {metric}} part names the metric; every other {@code {name}} part becomes a label; literal
 * parts must match. Keys are split on ':'.
 */
public record SeriesTemplate(List<String> parts) {
    /** A series: its metric name and labels (in template order). */
    public record Series(String metric, Map<String, String> labels) {
    }

    public static SeriesTemplate parse(String template) {
        List<String> parts = List.of(template.split(":", -1));
        if (!parts.contains("{metric}")) {
            throw new IllegalArgumentException("the series template " + template + " needs a {metric} part");
        }
        return new SeriesTemplate(parts);
    }

    /** The SCAN pattern of the keys this template can match. */
    public String scanPattern() {
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            out.add(isVariable(p) ? "*" : p);
        }
        return String.join(":", out);
    }

    private static boolean isVariable(String part) {
        return part.startsWith("{") && part.endsWith("}");
    }

    /** The names of the template's variables, in order ({@code metric} included). */
    public List<String> variables() {
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            if (isVariable(p)) {
                out.add(p.substring(1, p.length() - 1));
            }
        }
        return out;
    }

    /** The key for these variable values; every variable needs one. */
    public String key(Map<String, String> values) {
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            if (isVariable(p)) {
                String v = values.get(p.substring(1, p.length() - 1));
                if (v == null || v.isEmpty() || v.contains(":")) {
                    throw new IllegalArgumentException("no usable value for " + p + " in " + values);
                }
                out.add(v);
            } else {
                out.add(p);
            }
        }
        return String.join(":", out);
    }

    /** The series of {@code key}, or null if the key does not fit the template. */
    public Series match(String key) {
        String[] k = key.split(":", -1);
        if (k.length != parts.size()) {
            return null;
        }
        String metric = null;
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < k.length; i++) {
            String p = parts.get(i);
            if (p.equals("{metric}")) {
                metric = k[i];
            } else if (isVariable(p)) {
                labels.put(p.substring(1, p.length() - 1), k[i]);
            } else if (!p.equals(k[i])) {
                return null;
            }
        }
        return metric == null || metric.isEmpty() ? null : new Series(metric, labels);
    }
}
