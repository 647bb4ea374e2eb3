package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import io.rockhub.core.types.StreamGroups.Delivery;
import io.rockhub.core.types.StreamGroups.Pending;
import io.rockhub.core.types.StreamStore.IdSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamGroupsTest {
    private TempStorage tmp;
    private ManualClock clock;
    private Keyspace keys;
    private StreamStore streams;
    private StreamGroups groups;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage();
        clock = new ManualClock(1_700_000_000_000L);
        keys = new Keyspace(tmp.storage, clock, 1 << 20);
        streams = new StreamStore(keys);
        groups = new StreamGroups(keys, streams);
    }

    @AfterEach
    void close() throws Exception {
        tmp.close();
    }

    /** The stream, in database 0 as a client names it. */
    private static final byte[] PAYMENTS = io.rockhub.core.encoding.StoredKey.of(0, "payments".getBytes(StandardCharsets.UTF_8));

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private StreamId add(int ms) {
        return streams.add(PAYMENTS, false, IdSpec.of(new StreamId(ms, 0)), List.of(b("amount"), b("1")), null)
                .value();
    }

    @Test
    void deliveriesBecomePendingWithTimesAndCounts() {
        add(1);
        add(2);
        assertThat(groups.create(PAYMENTS, b("workers"), StreamId.MIN, false, null)).isEqualTo(Status.OK);
        List<Delivery> first = groups.readNew(PAYMENTS, b("workers"), b("w1"), 10, false).value();
        assertThat(first).extracting(d -> d.id().ms()).containsExactly(1L, 2L);
        assertThat(groups.readNew(PAYMENTS, b("workers"), b("w2"), 10, false).value()).isEmpty();
        clock.advance(5000);
        List<Pending> idle = groups.pendingRange(PAYMENTS, b("workers"), StreamId.MIN, StreamId.MAX, 10, null, 4000)
                .value();
        assertThat(idle).hasSize(2).allMatch(p -> p.deliveries() == 1 && new String(p.consumer()).equals("w1"));
        // The group is rewound: the same entries are delivered again, to another consumer, counted twice.
        groups.setId(PAYMENTS, b("workers"), StreamId.MIN, null);
        groups.readNew(PAYMENTS, b("workers"), b("w2"), 1, false);
        Pending again = groups.pendingRange(PAYMENTS, b("workers"), StreamId.MIN, StreamId.MAX, 1, null, 0)
                .value().get(0);
        assertThat(again.deliveries()).isEqualTo(2);
        assertThat(new String(again.consumer())).isEqualTo("w2");
        assertThat(groups.ack(PAYMENTS, b("workers"), List.of(new StreamId(1, 0), new StreamId(9, 0))).value())
                .isEqualTo(1);
        assertThat(groups.summary(PAYMENTS, b("workers")).value().count()).isEqualTo(1);
    }

    @Test
    void stuckEntriesAreReclaimedOnlyOnceIdleLongEnough() {
        add(1);
        add(2);
        groups.create(PAYMENTS, b("g"), StreamId.MIN, false, null);
        groups.readNew(PAYMENTS, b("g"), b("crashed-worker"), 10, false);
        clock.advance(1000);
        assertThat(groups.claim(PAYMENTS, b("g"), b("w2"), 60_000, List.of(new StreamId(1, 0)),
                StreamGroups.ClaimOptions.NONE).value()).as("not idle long enough").isEmpty();
        clock.advance(60_000);
        StreamGroups.AutoClaim first = groups.autoClaim(PAYMENTS, b("g"), b("w2"), 60_000, StreamId.MIN, 1, false)
                .value();
        assertThat(first.claimed()).extracting(d -> d.id().ms()).containsExactly(1L);
        assertThat(first.next()).isEqualTo(new StreamId(2, 0));
        StreamGroups.AutoClaim rest = groups.autoClaim(PAYMENTS, b("g"), b("w2"), 60_000, first.next(), 10, true)
                .value();
        assertThat(rest.claimed()).extracting(d -> d.id().ms()).containsExactly(2L);
        assertThat(rest.next()).isEqualTo(StreamId.MIN);
        List<Pending> pending = groups.pendingRange(PAYMENTS, b("g"), StreamId.MIN, StreamId.MAX, 10, null, 0)
                .value();
        assertThat(pending).extracting(Pending::deliveries).containsExactly(2L, 1L); // JUSTID does not count
        assertThat(pending).allMatch(p -> new String(p.consumer()).equals("w2"));
    }

    @Test
    void historyShowsDeletedEntriesAsNullAndGroupsVanishWithTheirRecords() {
        StreamId id = add(1);
        groups.create(PAYMENTS, b("g"), StreamId.MIN, false, null);
        groups.readNew(PAYMENTS, b("g"), b("c"), 10, false);
        streams.delete(PAYMENTS, List.of(id));
        List<Delivery> history = groups.readHistory(PAYMENTS, b("g"), b("c"), StreamId.MIN, 10).value();
        assertThat(history).hasSize(1);
        assertThat(history.get(0).fields()).isNull();
        assertThat(streams.range(PAYMENTS, StreamId.MIN, StreamId.MAX, 10, false).value())
                .as("group records never show up as entries").isEmpty();
        assertThat(groups.deleteConsumer(PAYMENTS, b("g"), b("c")).value()).isEqualTo(1);
        assertThat(groups.destroy(PAYMENTS, b("g")).value()).isTrue();
        assertThat(groups.summary(PAYMENTS, b("g")).status()).isEqualTo(Status.NOT_APPLIED);
    }

    @Test
    void historyReadsCountDeliveriesAndCountersFollowEveryChange() {
        add(1);
        add(2);
        add(3);
        groups.create(PAYMENTS, b("g"), StreamId.MIN, false, null);
        groups.readNew(PAYMENTS, b("g"), b("w1"), 10, false);
        clock.advance(100);
        List<Delivery> again = groups.readHistory(PAYMENTS, b("g"), b("w1"), StreamId.MIN, 10).value();
        assertThat(again).extracting(d -> d.id().ms()).containsExactly(1L, 2L, 3L);
        assertThat(groups.pendingRange(PAYMENTS, b("g"), StreamId.MIN, StreamId.MAX, 10, null, 0).value())
                .as("as in Redis, re-reading history is a delivery").extracting(Pending::deliveries)
                .containsExactly(2L, 2L, 2L);
        groups.claim(PAYMENTS, b("g"), b("w2"), 0, List.of(new StreamId(2, 0)), StreamGroups.ClaimOptions.NONE);
        groups.ack(PAYMENTS, b("g"), List.of(new StreamId(3, 0)));

        StreamGroups.Summary summary = groups.summary(PAYMENTS, b("g")).value();
        assertThat(summary.count()).isEqualTo(2);
        assertThat(summary.lowest()).isEqualTo(new StreamId(1, 0));
        assertThat(summary.highest()).isEqualTo(new StreamId(2, 0));
        assertThat(summary.consumers()).extracting(c -> new String(c.name()) + "=" + c.pending())
                .containsExactly("w1=1", "w2=1");
        assertThat(groups.pendingRange(PAYMENTS, b("g"), StreamId.MIN, StreamId.MAX, 10, b("w2"), 0).value())
                .extracting(p -> p.id().ms()).containsExactly(2L);
        assertThat(groups.readHistory(PAYMENTS, b("g"), b("w1"), StreamId.MIN, 10).value())
                .as("a consumer's history holds only what it owns").extracting(d -> d.id().ms()).containsExactly(1L);
        assertThat(groups.group(PAYMENTS, b("g")).value().consumers()).isEqualTo(2);

        assertThat(groups.deleteConsumer(PAYMENTS, b("g"), b("w1")).value()).isEqualTo(1);
        StreamGroupCodecView after = view();
        assertThat(after.pending).isEqualTo(1);
        assertThat(after.consumers).isEqualTo(1);
        assertThat(groups.summary(PAYMENTS, b("g")).value().consumers())
                .extracting(c -> new String(c.name())).containsExactly("w2");
    }

    private record StreamGroupCodecView(long pending, long consumers) {
    }

    private StreamGroupCodecView view() {
        var g = groups.group(PAYMENTS, b("g")).value();
        return new StreamGroupCodecView(g.pending(), g.consumers());
    }

    @Test
    void deadLetterPolicyMovesAnEntryDeliveredTooOftenAndAcknowledgesIt() {
        add(1);
        add(2);
        groups.create(PAYMENTS, b("g"), StreamId.MIN, false, null);
        assertThat(groups.setDeadLetter(PAYMENTS, b("g"), 2, io.rockhub.core.encoding.StoredKey.of(0, b("payments:dead")))).isEqualTo(Status.OK);
        groups.readNew(PAYMENTS, b("g"), b("w1"), 10, false);
        clock.advance(60_000);
        groups.autoClaim(PAYMENTS, b("g"), b("w2"), 30_000, StreamId.MIN, 1, false); // entry 1: 2nd delivery
        clock.advance(60_000);
        StreamGroups.AutoClaim third = groups.autoClaim(PAYMENTS, b("g"), b("w3"), 30_000, StreamId.MIN, 10, false)
                .value();
        assertThat(third.claimed()).as("entry 1 went to the dead letters; entry 2 is on its 2nd delivery")
                .extracting(d -> d.id().ms()).containsExactly(2L);

        List<StreamStore.Entry> dead = streams.range(io.rockhub.core.encoding.StoredKey.of(0, b("payments:dead")), StreamId.MIN, StreamId.MAX, 10, false).value();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).fields()).extracting(String::new).containsExactly("amount", "1",
                "dead-letter-stream", "payments", "dead-letter-id", "1-0", "dead-letter-group", "g",
                "dead-letter-deliveries", "2");
        assertThat(groups.pendingRange(PAYMENTS, b("g"), StreamId.MIN, StreamId.MAX, 10, null, 0).value())
                .extracting(p -> p.id().ms()).containsExactly(2L);
        assertThat(view().pending()).isEqualTo(1);
        assertThat(streams.length(PAYMENTS).value()).as("the source keeps its entry, as XACK would").isEqualTo(2);

        assertThat(groups.setDeadLetter(PAYMENTS, b("g"), 0, null)).isEqualTo(Status.OK);
        clock.advance(60_000);
        groups.readHistory(PAYMENTS, b("g"), b("w3"), StreamId.MIN, 10);
        assertThat(groups.pendingRange(PAYMENTS, b("g"), StreamId.MIN, StreamId.MAX, 10, null, 0).value())
                .as("with the policy off deliveries simply count up").extracting(Pending::deliveries)
                .containsExactly(3L);
    }

    @Test
    void deadLetterPolicyAppliesToXclaimButNotToAJustIdClaim() {
        add(1);
        groups.create(PAYMENTS, b("g"), StreamId.MIN, false, null);
        groups.setDeadLetter(PAYMENTS, b("g"), 2, io.rockhub.core.encoding.StoredKey.of(0, b("payments:dead")));
        groups.readNew(PAYMENTS, b("g"), b("w1"), 10, false);                  // 1st delivery
        clock.advance(60_000);
        assertThat(groups.claim(PAYMENTS, b("g"), b("w2"), 30_000, List.of(new StreamId(1, 0)),
                StreamGroups.ClaimOptions.NONE).value()).hasSize(1);                     // 2nd delivery
        clock.advance(60_000);
        StreamGroups.ClaimOptions justId = new StreamGroups.ClaimOptions(null, null, null, false, true, null);
        assertThat(groups.claim(PAYMENTS, b("g"), b("w3"), 30_000, List.of(new StreamId(1, 0)), justId).value())
                .as("JUSTID does not count a delivery, so it cannot exceed the limit").hasSize(1);
        assertThat(streams.length(io.rockhub.core.encoding.StoredKey.of(0, b("payments:dead"))).value()).isZero();
        clock.advance(60_000);
        assertThat(groups.claim(PAYMENTS, b("g"), b("w4"), 30_000, List.of(new StreamId(1, 0)),
                StreamGroups.ClaimOptions.NONE).value()).as("the 3rd delivery goes to the dead letters").isEmpty();
        List<StreamStore.Entry> dead = streams.range(io.rockhub.core.encoding.StoredKey.of(0, b("payments:dead")), StreamId.MIN, StreamId.MAX, 10, false).value();
        assertThat(dead).singleElement().satisfies(e -> assertThat(e.fields()).extracting(String::new)
                .containsSequence("dead-letter-id", "1-0", "dead-letter-group", "g", "dead-letter-deliveries", "2"));
        assertThat(groups.pendingRange(PAYMENTS, b("g"), StreamId.MIN, StreamId.MAX, 10, null, 0).value())
                .as("acknowledged in the same batch").isEmpty();
        assertThat(view().pending()).isZero();
    }

    @Test
    void deadLetterKeyOfAnotherTypeDisablesThePolicyInsteadOfLosingEntries() {
        add(1);
        groups.create(PAYMENTS, b("g"), StreamId.MIN, false, null);
        groups.setDeadLetter(PAYMENTS, b("g"), 1, b("not-a-stream"));
        new StringStore(keys).set(b("not-a-stream"), b("x"), StringStore.Condition.ALWAYS, ExpiryChange.CLEAR, false);
        groups.readNew(PAYMENTS, b("g"), b("w1"), 10, false);
        List<Delivery> again = groups.readHistory(PAYMENTS, b("g"), b("w1"), StreamId.MIN, 10).value();
        assertThat(again).extracting(d -> d.id().ms()).containsExactly(1L);
    }
}
