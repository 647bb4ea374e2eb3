package io.rockhub.resp.acl;

import io.rockhub.resp.pubsub.Subscriber;
import io.rockhub.resp.server.ClientSession;
import io.rockhub.resp.server.Hub;
import java.util.ArrayList;
import java.util.List;

/** What ACL changes do to connected clients, as Redis does. */
final class AclClients {
    private AclClients() {
    }

    /**
     * Closes the connections authenticated as {@code user} (deleted, or replaced by ACL LOAD); the
     * {@code current} one, if among them, after its reply, as Redis.
     */
    static void disconnect(Hub hub, User user, ClientSession current) {
        for (ClientSession s : hub.clients().all()) {
            if (s.user() == user) {
                s.user(hub.acl().defaultUser());
                s.authenticated(false);
                if (s == current) {
                    s.requestClose();
                } else {
                    s.channel().close();
                }
            }
        }
    }

    /**
     * After ACL SETUSER took channels from {@code user}: its subscribed clients whose subscriptions
     * the new rules no longer allow are closed, as Redis does (only when some pattern it had is gone,
     * and never when it keeps allchannels).
     */
    static void disconnectRevokedSubscribers(Hub hub, User user, Acl.ChannelRules before) {
        Acl.ChannelRules after = hub.acl().channelRules(user);
        if (after.all() || after.patterns().containsAll(before.patterns())) {
            return;
        }
        for (ClientSession s : hub.clients().all()) {
            Subscriber sub = s.subscriberIfAny();
            if (s.user() != user || sub == null) {
                continue;
            }
            s.channel().eventLoop().execute(() -> { // the subscriber's sets belong to its loop
                List<byte[]> channels = new ArrayList<>(sub.subscriptions(false, false));
                channels.addAll(sub.subscriptions(false, true));
                if (sub.subscribed() && after.revokes(channels, sub.subscriptions(true, false))) {
                    s.channel().close();
                }
            });
        }
    }
}
