package io.rockhub.resp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopologyTest {
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private static final String C = "c".repeat(40);

    @Test
    void itsTextReadsBackIntoTheSameTopology() {
        String text = A + " 10.0.0.1 7001 master - 0-5460 5462\n" + B + " 10.0.0.2 7002 master - 5461 5463-16383\n"
                + C + " 10.0.0.3 7003 slave " + A + "\n";
        Topology t = Topology.parse(text, 7);
        assertThat(t.text()).isEqualTo(text);
        assertThat(Topology.parse(t.text(), 7)).isEqualTo(t);
        ClusterNode[] owners = t.owners();
        assertThat(owners[0].id()).isEqualTo(A);
        assertThat(owners[5461].id()).isEqualTo(B);
        assertThat(owners[5462].id()).isEqualTo(A);
        assertThat(owners[16383].id()).isEqualTo(B);
        assertThat(t.replicasOf(A)).extracting(ClusterNode::id).containsExactly(C);
    }

    @Test
    void aReplicaLineMayEndWithItsPlaceInThePrimarysSynchronousSet() {
        String text = A + " h 1 master - 0-16383\n" + B + " h 2 slave " + A + " joining\n" + C + " h 3 slave " + A + " out\n";
        Topology t = Topology.parse(text, 3);
        assertThat(t.text()).isEqualTo(text);
        assertThat(t.replicasOf(A)).extracting(ClusterNode::sync)
                .containsExactly(ClusterNode.Sync.JOINING, ClusterNode.Sync.OUT);
        assertThat(t.replicasOf(A)).extracting(ClusterNode::waitedFor).containsExactly(true, false);
        // No token: in sync, as a topology written before synchronous sets (or by Kvrocks's controller).
        assertThat(Topology.parse(A + " h 1 master - 0-16383\n" + B + " h 2 slave " + A, 3).replicasOf(A).get(0).sync())
                .isEqualTo(ClusterNode.Sync.IN_SYNC);
        assertThatThrownBy(() -> Topology.parse(A + " h 1 master - 0-16383\n" + B + " h 2 slave " + A + " lagging", 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBadTopologyIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Topology.parse(A + " h 1 master - 0-10\n" + B + " h 2 master - 10-20", 1))
                .hasMessage("Slot distribution is overlapped");
        assertThatThrownBy(() -> Topology.parse(A + " h 1 master - 0-16384", 1)).hasMessage("Slot is out of range");
        assertThatThrownBy(() -> Topology.parse("abc h 1 master - 0", 1)).hasMessage("Invalid cluster node id");
        assertThatThrownBy(() -> Topology.parse(A + " h 1 slave " + B, 1)).hasMessage("Invalid cluster node primary id");
        assertThatThrownBy(() -> Topology.parse(A + " h 1 master - 0\n" + B + " h 2 slave " + A + " 5", 1))
                .hasMessage("Replica should not have slots");
        assertThatThrownBy(() -> Topology.parse(A + " h x master - 0", 1)).hasMessage("Invalid cluster node port");
        assertThatThrownBy(() -> Topology.parse(A + " h 1 master", 1)).hasMessage("Invalid cluster nodes info");
    }
}
