package io.rockhub.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GlobTest {
    private static boolean m(String pattern, String s) {
        return Glob.matches(pattern.getBytes(StandardCharsets.UTF_8), s.getBytes(StandardCharsets.UTF_8), false);
    }

    @Test
    void redisGlobSemantics() {
        assertThat(m("*", "")).as("Redis's stringmatchlen: an empty subject matches only an empty pattern").isFalse();
        assertThat(m("", "")).isTrue();
        assertThat(m("a*", "a")).isTrue();
        assertThat(m("user:*", "user:1")).isTrue();
        assertThat(m("user:?", "user:10")).isFalse();
        assertThat(m("h[ae]llo", "hallo")).isTrue();
        assertThat(m("h[^e]llo", "hello")).isFalse();
        assertThat(m("h[a-c]llo", "hbllo")).isTrue();
        assertThat(m("h\\*llo", "h*llo")).isTrue();
        assertThat(m("h\\*llo", "hello")).isFalse();
        assertThat(m("a*b*c", "axxbyyc")).isTrue();
        assertThat(m("A", "a")).isFalse();
        assertThat(Glob.matches("MAX*", "maxclients")).isTrue();
    }

    @Test
    void literalPrefixStopsAtTheFirstWildcard() {
        assertThat(new String(Glob.literalPrefix("user:\\*x*".getBytes()))).isEqualTo("user:*x");
        assertThat(Glob.literalPrefix("*abc".getBytes())).isEmpty();
    }

    @Test
    void nestedStarsDoNotBacktrackExponentially() {
        String subject = "a".repeat(40);
        String pattern = "a*".repeat(20) + "b";
        // Without the bound this takes hours (C(40, 20) paths); the timeout only guards against a hang.
        boolean matched = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> m(pattern, subject));
        assertThat(matched).isFalse();
        assertThat(m("a*".repeat(20), subject)).isTrue();
        assertThat(m("*a*b*c*d*e*f*", "xaxbxcxdxexfx")).isTrue();
        assertThat(m("*a*b*c*d*e*f*g", "xaxbxcxdxexfx")).isFalse();
    }
}
