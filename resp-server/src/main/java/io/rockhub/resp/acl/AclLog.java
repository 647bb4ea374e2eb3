package io.rockhub.resp.acl;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * ACL LOG: the latest denials, newest first, as Redis keeps them: a denial like one of the last ten
 * (same reason, context, object and user, within a minute) bumps that entry's count and moves it to
 * the front instead of adding another; at most {@code acllog-max-len} entries.
 */
public final class AclLog {
    /** One entry; {@code context} is toplevel, multi or lua; {@code clientInfo} as CLIENT INFO prints it. */
    public static final class Entry {
        long count = 1;
        final Acl.Reason reason;
        final String context;
        final String object;
        final String username;
        long millis;
        String clientInfo;

        Entry(Acl.Reason reason, String context, String object, String username, long millis, String clientInfo) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.millis = millis;
            this.clientInfo = clientInfo;
        }

        public long count() {
            return count;
        }

        public String reason() {
            return reason.name().toLowerCase(java.util.Locale.ROOT);
        }

        public String context() {
            return context;
        }

        public String object() {
            return object;
        }

        public String username() {
            return username;
        }

        public long millis() {
            return millis;
        }

        public String clientInfo() {
            return clientInfo;
        }
    }

    private static final long GROUPING_MILLIS = 60_000;
    private final LinkedList<Entry> entries = new LinkedList<>();
    private final LongSupplier clock;
    private final LongSupplier maxLength;

    public AclLog(LongSupplier clock, LongSupplier maxLength) {
        this.clock = clock;
        this.maxLength = maxLength;
    }

    public synchronized void add(Acl.Reason reason, String context, String object, String username, String clientInfo) {
        long now = clock.getAsLong();
        int scanned = 0;
        for (java.util.Iterator<Entry> it = entries.iterator(); it.hasNext() && scanned < 10; scanned++) {
            Entry e = it.next();
            if (e.reason == reason && e.context.equals(context) && Math.abs(e.millis - now) <= GROUPING_MILLIS
                    && e.object.equals(object) && e.username.equals(username)) {
                it.remove();
                e.count++;
                e.millis = now;
                e.clientInfo = clientInfo;
                entries.addFirst(e);
                return;
            }
        }
        entries.addFirst(new Entry(reason, context, object, username, now, clientInfo));
        while (entries.size() > maxLength.getAsLong()) {
            entries.removeLast();
        }
    }

    public synchronized List<Entry> latest(long count) {
        return new ArrayList<>(entries.subList(0, (int) Math.min(Math.max(0, count), entries.size())));
    }

    /** Takes the entries of the log this one replaces. */
    public void adopt(AclLog previous) {
        List<Entry> theirs;
        synchronized (previous) {
            theirs = new ArrayList<>(previous.entries);
        }
        synchronized (this) {
            entries.clear();
            entries.addAll(theirs);
        }
    }

    public synchronized void reset() {
        entries.clear();
    }

    public long now() {
        return clock.getAsLong();
    }
}
