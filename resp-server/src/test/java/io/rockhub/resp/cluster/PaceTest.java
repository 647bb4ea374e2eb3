package io.rockhub.resp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaceTest {
    private long now = 1_000_000_000L;
    private final List<Long> waits = new ArrayList<>();
    /** A clock that the waits move forward, as a real sleep would. */
    private final Pace pace = new Pace(() -> now, ns -> {
        waits.add(ns);
        now += ns;
    });

    @Test
    void aRateMakesTheSenderWaitUntilWhatItSentWouldHaveTakenThatLong() {
        assertThat(pace.await(10)).isZero(); // nothing sent yet
        pace.sent(4_000_000);
        // 4 MB at 10 MB/s: 400 ms after the start.
        assertThat(pace.await(10)).isEqualTo(400_000_000L);
        pace.sent(1_000_000);
        now += 50_000_000L; // the sender spent 50 ms reading meanwhile: only the rest is waited
        assertThat(pace.await(10)).isEqualTo(50_000_000L);
        assertThat(waits).containsExactly(400_000_000L, 50_000_000L);
    }

    @Test
    void noRateNeverWaitsAndANewRateCountsAfresh() {
        pace.sent(100_000_000);
        assertThat(pace.await(0)).isZero();
        pace.sent(100_000_000);
        assertThat(pace.await(0)).isZero();
        // Set now: what was sent uncapped does not count against the new rate.
        assertThat(pace.await(1)).isZero();
        pace.sent(2_000_000);
        assertThat(pace.await(1)).isEqualTo(2_000_000_000L);
        // Raised mid-move: applies at once, from here.
        pace.sent(2_000_000);
        assertThat(pace.await(100)).isZero();
        pace.sent(2_000_000);
        assertThat(pace.await(100)).isEqualTo(20_000_000L);
    }
}
