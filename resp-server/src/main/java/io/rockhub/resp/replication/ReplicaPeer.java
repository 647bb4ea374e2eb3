package io.rockhub.resp.replication;

/** A replica connected to this primary: where it is and what it acknowledged. */
final class ReplicaPeer {
    private final long clientId;
    private final String address;
    private volatile int listeningPort;
    private volatile long ackedSeq;
    private volatile long ackedAtMillis;
    private volatile WalSender sender;

    ReplicaPeer(long clientId, String address, int listeningPort, long startSeq, long now) {
        this.clientId = clientId;
        this.address = address;
        this.listeningPort = listeningPort;
        this.ackedSeq = startSeq;
        this.ackedAtMillis = now;
    }

    long clientId() {
        return clientId;
    }

    String address() {
        return address;
    }

    String ip() {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    int listeningPort() {
        return listeningPort;
    }

    void listeningPort(int port) {
        listeningPort = port;
    }

    long ackedSeq() {
        return ackedSeq;
    }

    long ackedAtMillis() {
        return ackedAtMillis;
    }

    void acked(long seq, long now) {
        if (seq > ackedSeq) {
            ackedSeq = seq;
        }
        ackedAtMillis = now;
    }

    WalSender sender() {
        return sender;
    }

    void sender(WalSender s) {
        sender = s;
    }
}
