package io.rockhub.resp.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The connected clients, for CLIENT LIST/KILL, INFO clients, maxclients and idle timeouts. */
public final class ClientRegistry {
    private final Map<Long, ClientSession> clients = new ConcurrentHashMap<>();

    public void add(ClientSession s) {
        clients.put(s.id(), s);
    }

    public void remove(ClientSession s) {
        clients.remove(s.id());
    }

    public int size() {
        return clients.size();
    }

    public ClientSession byId(long id) {
        return clients.get(id);
    }

    /** Clients in id order, as CLIENT LIST shows them. */
    public List<ClientSession> all() {
        List<ClientSession> out = new ArrayList<>(clients.values());
        out.sort(Comparator.comparingLong(ClientSession::id));
        return out;
    }
}
