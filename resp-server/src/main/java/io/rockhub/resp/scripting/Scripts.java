package io.rockhub.resp.scripting;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyLocks;
import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.StoredKey;
import io.rockhub.resp.protocol.RespWriter;
import io.rockhub.resp.server.ClientSession;
import io.rockhub.resp.server.Hub;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import party.iroiro.luajava.Lua;

/**
 * EVAL's engine: the script store and the Lua VMs (one per event-loop thread, scripts compiled into
 * each once). Scripts given to EVAL or SCRIPT LOAD are kept by SHA in RocksDB (a record in the
 * default column family, written like any other data: durable, replicated, backed up), so EVALSHA
 * works after a restart or on a promoted replica.
 *
 * <p>A script runs alone among writers (the key locks' exclusive side) and all its writes go into
 * one RocksDB batch, committed at its end: after a crash all of them are there or none; replicas
 * receive that batch, never the script.
 */
public final class Scripts {
    private static final byte[] PREFIX = "rockhub:script:".getBytes(StandardCharsets.US_ASCII);

    private final Hub hub;
    private final io.rockhub.resp.server.Dispatcher dispatcher;
    private final Map<String, ScriptSource> known = new ConcurrentHashMap<>();
    /** Bumped by SCRIPT FLUSH: each VM drops its compiled scripts when it sees a new value. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private final ThreadLocal<long[]> seenGeneration = ThreadLocal.withInitial(() -> new long[] {0});
    private final ThreadLocal<ScriptVm> vms;
    /** Functions run in VMs of their own, as in Redis: nothing of EVAL's globals reaches them. */
    private final ThreadLocal<ScriptVm> functionVms;
    private final FunctionLibraries libraries;
    private final ThreadLocal<long[]> seenLibraryVersion = ThreadLocal.withInitial(() -> new long[] {-1});
    /** The session and dispatcher a running script's redis.call works for, per thread. */
    private final ThreadLocal<ClientSession> running = new ThreadLocal<>();
    private final ThreadLocal<Boolean> readOnlyScript = ThreadLocal.withInitial(() -> false);
    /**
     * Whether the running script opened its transaction: one is opened at its first write, so a
     * script that only reads reads RocksDB directly (it already runs alone among writers).
     */
    private final ThreadLocal<boolean[]> begun = ThreadLocal.withInitial(() -> new boolean[1]);
    /** The running script's redis.setresp choice (2 at every script's start). */
    private final ThreadLocal<int[]> resp = ThreadLocal.withInitial(() -> new int[] {2});
    private final ThreadLocal<ByteBuf> scratch = ThreadLocal.withInitial(() -> Unpooled.buffer(256));
    private final io.rockhub.resp.server.Dispatcher.ScriptGate gate = this::admit;

    public Scripts(Hub hub) {
        this.hub = hub;
        this.dispatcher = new io.rockhub.resp.server.Dispatcher(hub);
        this.vms = ThreadLocal.withInitial(() -> new ScriptVm(this::call, v -> resp.get()[0] = v,
                name -> hub.commands().lookup(name) != null, false, this::interruption,
                () -> hub.config().getLong("lua-heap-limit-mb") << 20));
        this.functionVms = ThreadLocal.withInitial(() -> new ScriptVm(this::call, v -> resp.get()[0] = v,
                name -> hub.commands().lookup(name) != null, true, this::interruption,
                () -> hub.config().getLong("lua-heap-limit-mb") << 20));
        hub.keys().locks().scriptBusyWhen(this::busy);
        this.libraries = new FunctionLibraries(hub::storage);
    }

    /** EVAL, EVALSHA, FCALL and their read-only forms, by lower-case command name. */
    public static boolean runsScript(String commandName) {
        return switch (commandName) {
            case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro" -> true;
            default -> false;
        };
    }

    // ---- busy scripts ---------------------------------------------------------------------------

    static final String SLOW_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    static final String SLOW_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

    /** The script or function running now (one at a time: each holds the exclusive key lock). */
    record Running(long startNanos, boolean function, String name, List<byte[]> argv, boolean onLoop) {
    }

    private volatile Running inProgress;
    /** Whether the running one has written: it may not be killed then (Redis's UNKILLABLE). */
    private volatile boolean runningWrote;
    private volatile boolean killRequested;

    /**
     * Scripts run here, not on the event loops: a loop stays free to serve other clients, to tell
     * them the server is busy past busy-reply-threshold and to take SCRIPT KILL, as Redis's does.
     */
    private final java.util.concurrent.ExecutorService scriptThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rockhub-script");
        t.setDaemon(true);
        return t;
    });

    /**
     * Waits (at most {@code timeoutMillis}) until the scripts (and EXECs holding scripts) handed to
     * the script thread so far have run; false if one still runs then.
     */
    public boolean settle(long timeoutMillis) throws InterruptedException {
        try {
            scriptThread.submit(() -> { }).get(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException stillRunning) {
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.RejectedExecutionException stopped) {
            return true; // the server is stopping: nothing runs there any more
        }
    }

    /** Runs a client's script on the script thread (see {@link ClientSession#offload}). */
    public void runOffLoop(Runnable work) {
        scriptThread.execute(work);
    }

    /**
     * Runs a script for the client: first on its event loop, if it may run there (see
     * {@link #tryOnLoop}); else off the loop on the script thread; in place inside EXEC.
     */
    void submit(ClientSession session, RespWriter out, String label, java.util.function.Consumer<RespWriter> work) {
        if (tryOnLoop(session, out, label, work)) {
            return;
        }
        java.util.function.Consumer<RespWriter> run = label != null && tooLong.contains(label) ? timed(label, work) : work;
        session.commitBurst(); // off the loop (or alone) it reads and writes outside the client's burst
        if (!session.offload(run)) {
            run.accept(out);
        }
    }

    /**
     * A script once too long for a loop, timed on the script thread: within the budget there (its
     * long run was a server's first, say, loading classes), it may try the loop again next time.
     */
    private java.util.function.Consumer<RespWriter> timed(String label, java.util.function.Consumer<RespWriter> work) {
        return w -> {
            long start = System.nanoTime();
            work.accept(w);
            if (System.nanoTime() - start < hub.config().getLong("lua-inline-budget-us") * 1000) {
                tooLong.remove(label);
            }
        };
    }

    /** An EXEC holding scripts: run off the event loop (it may publish, flush, or run long). */
    public void submitExec(ClientSession session, RespWriter out, java.util.function.Consumer<RespWriter> exec) {
        if (!session.offload(exec)) {
            exec.accept(out);
        }
    }

    // ---- scripts on the event loop -------------------------------------------------------------

    /**
     * Handing a script to the script thread and its reply back costs two thread wake-ups, more than
     * a short script itself; so a script first runs on the event loop that read it, alone among
     * writers as anywhere. Its writes stay in its batch until it ends, so a run that passes
     * {@code lua-inline-budget-us} is stopped (the hook, or its next redis.call), dropped whole and
     * started over on the script thread, where the loop's other clients can be told it is busy and
     * SCRIPT KILL can reach it. Only a run that has done something a batch cannot take back
     * (published, or wrote no key: FLUSHALL, SWAPDB) runs on to its end where it is; while a MONITOR
     * is open no script runs on a loop, since what a run fed it could not be taken back either.
     */
    private static final class OnLoop {
        /** System.nanoTime past which the run stops and starts over; 0 when not running on a loop. */
        long deadline;
        long budgetNanos;
        boolean irrevocable;
        /**
         * Whether the run holds only the stripe locks of the keys it touches (see {@link #tryOnLoop}),
         * not the exclusive side: scripts on two loops then run side by side.
         */
        boolean byKey;
        /** The stripes a run by key holds, taken without waiting as its commands name keys. */
        final KeyLocks.Holding holding = new KeyLocks.Holding();
        /** Why the run did not finish here, or null (it did). */
        Fallback fallback;
        /** The client's pipelined burst, for a run by key; null otherwise. */
        io.rockhub.resp.server.ScriptBurst burst;
        /** Whether the run's writes joined {@link #burst} (behind a savepoint: see {@link #execute}). */
        boolean joined;

        /**
         * Whether a run here must stop now (past its budget with nothing irrevocable done, or already
         * told to): it then starts over, on the script thread or alone among writers here.
         */
        boolean mustStartOver() {
            if (fallback != null) {
                return true;
            }
            if (deadline != 0 && !irrevocable && System.nanoTime() - deadline > 0) {
                fallback = Fallback.START_OVER;
                return true;
            }
            return false;
        }
    }

    private enum Fallback {
        /** Stopped at the budget: dropped, to start over on the script thread. */
        START_OVER,
        /** The key locks stayed held by another script or a writer: it never started here. */
        LOCKS_HELD,
        /** Run by key, it met a key another thread holds: dropped, to run again here alone among writers. */
        KEY_HELD,
        /**
         * Run by key, it called a command whose keys the table does not name (KEYS, SCAN, FLUSHALL,
         * SORT ... BY, PUBLISH): dropped, to run again here alone; the script runs alone from then on.
         */
        UNNAMED_KEYS
    }

    private final ThreadLocal<OnLoop> onLoop = ThreadLocal.withInitial(OnLoop::new);
    /**
     * Scripts and functions whose last run passed the budget: they go to the script thread at once,
     * until a run there is short again.
     */
    private final java.util.Set<String> tooLong = ConcurrentHashMap.newKeySet();
    /** Scripts and functions that called a command a run by key cannot cover: they run alone on a loop. */
    private final java.util.Set<String> alone = ConcurrentHashMap.newKeySet();
    private static final int LONG_REMEMBERED = 10_000;
    /** The hook's interval on a loop: often enough to stop well within the budget. */
    private static final int ON_LOOP_HOOK_EVERY = 10_000;
    /** The error that stops a run at the budget (never sent to a client: the run starts over). */
    private static final String START_OVER = "ROCKHUB start over off the event loop";
    private final java.util.concurrent.atomic.LongAdder ranOnLoop = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder startedOver = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder ranByKey = new java.util.concurrent.atomic.LongAdder();

    /** Scripts and functions answered on an event loop since the start (INFO's scripts_on_loop). */
    public long ranOnLoop() {
        return ranOnLoop.sum();
    }

    /** Of those, the ones that held only their keys' locks (INFO's scripts_on_loop_by_key). */
    public long ranByKey() {
        return ranByKey.sum();
    }

    /** Runs on a loop stopped at the budget and started over (INFO's scripts_started_over). */
    public long startedOver() {
        return startedOver.sum();
    }

    /**
     * True when the script ran (and answered) on the event loop; false: run it as before.
     *
     * <p>A run here first holds only the stripe locks of the keys it touches, declared or not, each
     * taken without waiting as a command names it: two loops then run scripts on different keys side
     * by side (taking the exclusive side by turns, each parking while the other ran, cost them more
     * than the scripts). Every key it reads or writes stays locked until its batch is committed, so
     * it is as isolated as a run alone; a key another thread holds, or a command whose keys the
     * table does not name, drops the run (nothing of it has happened yet), which runs again here
     * alone among writers; so a loop may spend up to twice the budget on one script.
     */
    private boolean tryOnLoop(ClientSession session, RespWriter out, String label, java.util.function.Consumer<RespWriter> work) {
        long budget = hub.config().getLong("lua-inline-budget-us");
        if (budget <= 0 || label == null || !session.mayRunOnLoop() || tooLong.contains(label) || busy()
                || hub.monitors().active()) {
            return false;
        }
        OnLoop state = onLoop.get();
        state.budgetNanos = budget * 1000;
        state.byKey = !alone.contains(label);
        while (true) {
            state.deadline = System.nanoTime() + state.budgetNanos; // set again once the VM is ready
            state.irrevocable = false;
            state.fallback = null;
            if (!state.byKey) {
                session.commitBurst(); // alone among writers: the burst's stripes would stand in its way
            }
            try {
                work.accept(out);
            } finally {
                state.deadline = 0;
            }
            if (state.fallback != Fallback.KEY_HELD && state.fallback != Fallback.UNNAMED_KEYS) {
                break;
            }
            if (state.fallback == Fallback.UNNAMED_KEYS) {
                remember(alone, label);
            }
            state.byKey = false;
        }
        if (state.fallback == null) {
            ranOnLoop.increment();
            if (state.byKey) {
                ranByKey.increment();
            }
            return true;
        }
        if (state.fallback == Fallback.START_OVER) {
            startedOver.increment();
            remember(tooLong, label);
        }
        return false;
    }

    private static void remember(java.util.Set<String> labels, String label) {
        if (labels.size() >= LONG_REMEMBERED) {
            labels.clear();
        }
        labels.add(label);
    }

    /** What a script's command must pass once it parsed: the node's slots, then a run by key's locks. */
    private String admit(io.rockhub.resp.command.CommandSpec spec, List<byte[]> keys) {
        String refused = hub.cluster().enabled() ? admitInCluster(spec, keys) : null;
        OnLoop state = onLoop.get();
        return refused == null && state.deadline != 0 && state.byKey ? admitByKey(spec, keys) : refused;
    }

    /**
     * What a run by key does before each command, once the command parsed: takes the stripes of the
     * keys it names, or stops the run (to run again alone) when one is held elsewhere or the command
     * reaches keys the table does not name.
     */
    private String admitByKey(io.rockhub.resp.command.CommandSpec spec, List<byte[]> keys) {
        OnLoop state = onLoop.get();
        if (reachesUnnamedKeys(spec)) {
            state.fallback = Fallback.UNNAMED_KEYS;
            return START_OVER;
        }
        if (!keys.isEmpty() && !hub.keys().locks().tryHold(state.holding, keys)) {
            state.fallback = Fallback.KEY_HELD;
            return START_OVER;
        }
        return null;
    }

    /**
     * In cluster mode a script's command may touch only keys this node serves, declared or not; as
     * Redis 7.0, keys of several of its slots are allowed across commands (not within one), and the
     * refusal does not say where the key lives.
     */
    private String admitInCluster(io.rockhub.resp.command.CommandSpec spec, List<byte[]> keys) {
        List<byte[]> user = new ArrayList<>(keys.size());
        for (byte[] k : keys) {
            user.add(StoredKey.user(k));
        }
        String redirect = hub.cluster().redirect(user, spec.has(io.rockhub.resp.command.CommandFlag.WRITE),
                running.get().clusterReadOnly());
        if (redirect == null) {
            return null;
        }
        return redirect.equals("CLUSTERDOWN The cluster is down")
                ? "ERR Script attempted to execute a command while the cluster is down"
                : "ERR Script attempted to access a non local key in a cluster node";
    }

    /**
     * Commands whose effect the stripes of their named keys do not cover: keyless reads and writes of
     * the keyspace (KEYS, SCAN, DBSIZE, FLUSHALL), keys found by key specs (SORT's BY and GET patterns
     * are not among them), another database's key (MOVE, COPY ... DB), and what a batch cannot take
     * back (PUBLISH).
     */
    private static boolean reachesUnnamedKeys(io.rockhub.resp.command.CommandSpec spec) {
        return spec.has(io.rockhub.resp.command.CommandFlag.PUBSUB)
                || spec.has(io.rockhub.resp.command.CommandFlag.MOVABLEKEYS)
                || spec.firstKey() == 0 && (spec.has(io.rockhub.resp.command.CommandFlag.WRITE)
                        || spec.has(io.rockhub.resp.command.CommandFlag.READONLY))
                || spec.name().equals("move") || spec.name().equals("copy");
    }

    /**
     * How long a run on a loop waits for the key locks: as long as a run there may last, for a short
     * script ends within it; not at all behind one already longer than that on the script thread,
     * which may run for seconds.
     */
    private long lockWaitOnLoop(OnLoop state) {
        Running holder = inProgress;
        boolean longOnScriptThread = holder != null && !holder.onLoop()
                && System.nanoTime() - holder.startNanos() > state.budgetNanos;
        return longOnScriptThread ? 0 : state.budgetNanos;
    }

    /** Whether a command run by a script does something its batch cannot take back. */
    private boolean irrevocable(io.rockhub.resp.command.CommandSpec spec) {
        return spec.has(io.rockhub.resp.command.CommandFlag.PUBSUB)
                || spec.has(io.rockhub.resp.command.CommandFlag.WRITE) && spec.firstKey() == 0;
    }

    /** Whether a script has run past busy-reply-threshold: other commands are refused with -BUSY. */
    public boolean busy() {
        Running r = inProgress;
        return r != null && (System.nanoTime() - r.startNanos()) / 1_000_000 >= hub.config().getLong("busy-reply-threshold");
    }

    /** The -BUSY text for the one running: it names the command that can stop it. */
    public String busyError() {
        Running r = inProgress;
        return r != null && r.function() ? SLOW_FUNCTION : SLOW_EVAL;
    }

    /** SCRIPT KILL ({@code eval}) or FUNCTION KILL: null when the kill is on its way, else Redis's refusal. */
    public String kill(boolean eval) {
        Running r = inProgress;
        if (r == null || !busy()) {
            return "NOTBUSY No scripts in execution right now.";
        }
        if (runningWrote) {
            return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either"
                    + " wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
        }
        if (eval && r.function()) {
            return SLOW_FUNCTION;
        }
        if (!eval && !r.function()) {
            return SLOW_EVAL;
        }
        killRequested = true;
        return null;
    }

    /** The function running past the threshold (for FUNCTION STATS), or null. */
    public Running busyFunction() {
        Running r = inProgress;
        return r != null && r.function() && busy() ? r : null;
    }

    /** Asked by the VM's hook every so many instructions: the error that stops the script, or null. */
    private String interruption() {
        if (killRequested) {
            return "ERR Script killed by user with SCRIPT KILL..."; // FUNCTION KILL's too, in Redis 7.0
        }
        if (onLoop.get().mustStartOver()) {
            return START_OVER;
        }
        return null;
    }

    /**
     * Remembers a script by SHA: in memory for EVAL (as Redis's script cache), also durably for
     * SCRIPT LOAD (so EVALSHA works after a restart or on a promoted replica).
     */
    public ScriptSource remember(byte[] body, boolean durable) {
        ScriptSource s = ScriptSource.of(body);
        known.putIfAbsent(s.sha(), s);
        // A replica keeps it in memory only: a write of its own would break the WAL it follows.
        if (durable && !hub.replication().isReplica()
                && hub.storage().get(ColumnFamily.DEFAULT, storeKey(s.sha())) == null) {
            try (Batch b = hub.storage().newBatch()) {
                b.put(ColumnFamily.DEFAULT, storeKey(s.sha()), s.body());
                hub.storage().commit(b);
            }
        }
        return s;
    }

    /** A script known by SHA (case-insensitive, as Redis), or null. */
    public ScriptSource find(String sha) {
        String lower = sha.toLowerCase(java.util.Locale.ROOT);
        ScriptSource s = known.get(lower);
        if (s != null) {
            return s;
        }
        byte[] body = hub.storage().get(ColumnFamily.DEFAULT, storeKey(lower));
        if (body == null) {
            return null;
        }
        s = new ScriptSource(lower, body);
        known.put(lower, s);
        return s;
    }

    /** SCRIPT FLUSH: every stored script goes, and the compiled copies with them (lazily per VM). */
    public void flush() {
        if (hub.replication().isReplica()) {
            // Nothing is written on a replica: the scripts its primary stored stay findable there.
            known.clear();
            generation.incrementAndGet();
            return;
        }
        try (Batch b = hub.storage().newBatch()) {
            byte[] end = PREFIX.clone();
            end[end.length - 1]++;
            b.deleteRange(ColumnFamily.DEFAULT, PREFIX, end);
            hub.storage().commit(b);
        }
        known.clear();
        generation.incrementAndGet();
    }

    // ---- FUNCTION libraries -------------------------------------------------------------------

    /** Checks a library in this thread's function VM without keeping it. */
    private final FunctionLibraries.Checker checker = (name, code) -> functionVm().loadLibrary(name, code, false);

    private ScriptVm functionVm() {
        return functionVms.get();
    }

    /** FUNCTION LOAD [REPLACE]: the library's name, or Redis's error as a {@link CommandFailure}. */
    public Object loadLibrary(byte[] code, boolean replace) {
        Object r = libraries.load(code, replace, checker);
        return r instanceof FunctionLibrary lib ? lib.name() : new CommandFailure((String) r);
    }

    /** FUNCTION DELETE: false when there is no such library. */
    public boolean deleteLibrary(String name) {
        return libraries.delete(name, checker);
    }

    /** FUNCTION FLUSH. */
    public void flushLibraries() {
        libraries.flush(checker);
    }

    /** FUNCTION LIST: the libraries, by name. */
    public List<FunctionLibrary> libraries() {
        return libraries.all(checker);
    }

    /** FUNCTION DUMP: Redis's payload (one function record per library, RDB version, CRC64). */
    public byte[] dumpLibraries() {
        List<byte[]> codes = new ArrayList<>();
        for (FunctionLibrary lib : libraries.all(checker)) {
            codes.add(lib.code());
        }
        return io.rockhub.core.encoding.RdbPayload.dumpFunctions(codes);
    }

    /** FUNCTION RESTORE: null, or Redis's error text. */
    public String restoreLibraries(byte[] payload, FunctionLibraries.Policy policy) {
        io.rockhub.core.encoding.RdbPayload.Functions parsed = io.rockhub.core.encoding.RdbPayload.restoreFunctions(payload);
        if (parsed.error() != null) {
            return parsed.error();
        }
        return libraries.restore(parsed.codes(), policy, checker);
    }

    /** An expected refusal with Redis's text. */
    public record CommandFailure(String error) {
    }

    /** FCALL / FCALL_RO. */
    public void callFunction(ClientSession session, byte[] verb, String name, List<byte[]> storedKeys, List<byte[]> args,
                             RespWriter out, boolean readOnly) {
        FunctionLibrary lib = libraries.owner(name, checker);
        if (lib == null) {
            out.error("ERR Function not found");
            return;
        }
        FunctionLibrary.Function f = lib.function(name);
        if (readOnly && !f.noWrites()) {
            out.error("ERR Can not execute a script with write flag using *_ro command.");
            return;
        }
        if (!f.noWrites() && hub.replication().isReplica() && hub.config().getBool("replica-read-only")) {
            out.error("READONLY You can't write against a read only replica.");
            return;
        }
        ScriptVm vm = functionVm();
        long[] seen = seenLibraryVersion.get();
        long v = libraries.version(checker);
        if (seen[0] != v) {
            vm.forgetLibraries();
            seen[0] = v;
        }
        if (!vm.hasLibrary(lib.name())) {
            Object r = vm.loadLibrary(lib.name(), lib.code(), true);
            if (r instanceof String err) {
                out.error(err);
                return;
            }
        }
        execute(session, storedKeys, args, out, readOnly || f.noWrites(), f.name(), verb,
                keys -> vm.callFunction(f.name(), keys, args), vm);
    }

    private static byte[] storeKey(String sha) {
        byte[] s = sha.getBytes(StandardCharsets.US_ASCII);
        byte[] k = new byte[PREFIX.length + s.length];
        System.arraycopy(PREFIX, 0, k, 0, PREFIX.length);
        System.arraycopy(s, 0, k, PREFIX.length, s.length);
        return k;
    }

    /** Compiles a script in this thread's VM: null, or Redis's compile error. */
    public String compileCheck(ScriptSource s) {
        return currentVm().compile(s);
    }

    private ScriptVm currentVm() {
        ScriptVm vm = vms.get();
        long[] seen = seenGeneration.get();
        long g = generation.get();
        if (seen[0] != g) {
            vm.forgetAll();
            seen[0] = g;
        }
        return vm;
    }

    /**
     * Runs a script for {@code session}: KEYS are the stored keys of the call (their database's
     * namespace in front), ARGV its other arguments. Writes the reply to {@code out}.
     */
    public void run(ClientSession session, ScriptSource script, List<byte[]> storedKeys, List<byte[]> args,
                    RespWriter out, boolean readOnly) {
        ScriptVm vm = currentVm();
        String compileError = vm.compile(script);
        if (compileError != null) {
            out.error(compileError);
            return;
        }
        execute(session, storedKeys, args, out, readOnly, script.sha(), null, keys -> vm.run(script.sha(), keys, args), vm);
    }

    /**
     * Runs a script or function body for {@code session} alone among writers, its writes in one
     * batch; {@code label} names it in error replies (a script's SHA, a function's name);
     * {@code functionVerb} is FCALL or FCALL_RO as the client wrote it, null for a script.
     */
    private void execute(ClientSession session, List<byte[]> storedKeys, List<byte[]> args, RespWriter out,
                         boolean readOnly, String label, byte[] functionVerb,
                         java.util.function.Consumer<List<byte[]>> body, ScriptVm vm) {
        boolean function = functionVerb != null;
        List<byte[]> keys = new ArrayList<>(storedKeys.size());
        for (byte[] k : storedKeys) {
            keys.add(StoredKey.user(k));
        }
        Lua lua = vm.lua();
        OnLoop state = onLoop.get();
        boolean here = state.deadline != 0;
        boolean byKey = here && state.byKey;
        KeyLocks.Held exclusive = null;
        if (byKey) {
            // Behind a script waiting to run alone, this one runs alone too (after it, in turn).
            if (hub.keys().locks().waited() || !hub.keys().locks().tryHold(state.holding, storedKeys)) {
                hub.keys().locks().release(state.holding);
                state.fallback = Fallback.KEY_HELD;
                return;
            }
            // A client's pipeline of scripts then commits once, with the rest of its burst: the run
            // joins the burst now if it is open (it reads through it), else at its first write.
            state.burst = session.scriptBurst();
            if (state.burst != null) {
                state.burst.beforeScript();
                state.joined = state.burst.isOpen() && state.burst.join();
            }
        } else {
            exclusive = here ? hub.keys().locks().tryExclusive(lockWaitOnLoop(state)) : hub.keys().locks().exclusive();
            if (here && exclusive == null) {
                state.fallback = Fallback.LOCKS_HELD;
                return;
            }
        }
        vm.hookEvery(here ? ON_LOOP_HOOK_EVERY : ScriptVm.HOOK_EVERY);
        if (here) {
            vm.holdLogs();
        }
        // A run by key is short (its budget) and never alone: busy replies and kills are not for it.
        boolean outermost = !byKey && inProgress == null;
        if (outermost) {
            List<byte[]> command = new ArrayList<>();
            command.add(function ? functionVerb : "eval".getBytes(StandardCharsets.US_ASCII));
            command.add(label.getBytes(StandardCharsets.UTF_8));
            command.add(Integer.toString(keys.size()).getBytes(StandardCharsets.US_ASCII));
            command.addAll(keys);
            command.addAll(args);
            runningWrote = false;
            killRequested = false;
            inProgress = new Running(System.nanoTime(), function, label, command, here);
        }
        ClientSession outer = running.get();
        boolean outerReadOnly = readOnlyScript.get();
        boolean wasInTransaction = session.executingTransaction();
        int db = session.db(); // a SELECT inside the script lasts until the script ends, as in Redis 7
        running.set(session);
        readOnlyScript.set(readOnly);
        session.executingTransaction(true); // blocking commands answer at once, as in Redis
        boolean[] outerBegun = {begun.get()[0]};
        int outerResp = resp.get()[0];
        resp.get()[0] = 2;
        begun.get()[0] = false;
        boolean committed = false;
        if (here) {
            state.deadline = System.nanoTime() + state.budgetNanos; // a VM made for this run took none of it
        }
        try {
            body.accept(keys);
            if (here && state.fallback != null) {
                vm.endKilledRun(); // stopped to run again: nothing of this run stays (the batch is dropped below)
                return;
            }
            // Writes made before an error stay, as in Redis: the batch commits either way.
            if (begun.get()[0]) {
                hub.keys().endTransaction(true);
            }
            committed = true;
            if (!lua.isNil(3)) {
                // Killed, or past the heap limit: the error the hook raised, where the script was.
                vm.endKilledRun();
                writeFailure(lua, 3, label, out);
            } else if (lua.toBoolean(1)) {
                vm.writeResult(2, out, resp.get()[0] == 3);
            } else {
                writeFailure(lua, 2, label, out);
            }
        } finally {
            if (state.joined) {
                state.joined = false;
                if (committed) {
                    state.burst.keep(state.holding); // its keys stay locked until the burst commits
                } else {
                    state.burst.drop(); // starts over, or a fault: nothing of this run stays
                }
            }
            if (byKey) {
                state.burst = null;
            }
            if (outermost) {
                inProgress = null;
                killRequested = false;
            }
            if (!committed && begun.get()[0]) {
                // A fault in the server itself, or a run that starts over: nothing of it lands.
                hub.keys().endTransaction(false);
            }
            if (here) {
                vm.releaseLogs(state.fallback == null);
            }
            begun.get()[0] = outerBegun[0];
            resp.get()[0] = outerResp;
            lua.setTop(0);
            session.executingTransaction(wasInTransaction);
            session.db(db);
            running.set(outer);
            readOnlyScript.set(outerReadOnly);
            if (exclusive != null) {
                exclusive.close();
            }
            if (byKey) {
                hub.keys().locks().release(state.holding);
            }
        }
    }


    /** A script error: the err text, and where it happened as Redis says it. */
    private static void writeFailure(Lua lua, int at, String label, RespWriter out) {
        String err = field(lua, at, "err");
        String source = field(lua, at, "source");
        LuaReplies.rawField(lua, at, "line");
        String line = lua.isNil(-1) ? null : Long.toString((long) lua.toNumber(-1));
        lua.pop(1);
        if (err == null) {
            err = "ERR unknown error";
        }
        if (source != null && line != null) {
            out.error(err + " script: " + label + ", on " + source + ":" + line + ".");
        } else {
            out.error(err);
        }
    }

    private static String field(Lua lua, int at, String name) {
        LuaReplies.rawField(lua, at, name);
        String v = lua.type(-1) == Lua.LuaType.STRING || lua.type(-1) == Lua.LuaType.NUMBER
                ? new String(ScriptVm.bytes(lua, -1), StandardCharsets.UTF_8) : null;
        lua.pop(1);
        return v;
    }

    /** The command a command line names, or null (unknown ones are refused later anyway). */
    private io.rockhub.resp.command.CommandSpec spec(List<byte[]> argv) {
        io.rockhub.resp.command.CommandSpec spec = hub.commands().lookup(argv.get(0));
        if (spec != null && spec.isContainer() && argv.size() >= 2) {
            spec = spec.subcommand(new String(argv.get(1), StandardCharsets.UTF_8));
        }
        return spec;
    }

    /** redis.call / redis.pcall: runs the command for the script's client and pushes its reply. */
    private void call(Lua lua, List<byte[]> argv) {
        ClientSession session = running.get();
        io.rockhub.resp.command.CommandSpec spec = spec(argv);
        OnLoop state = onLoop.get();
        if (state.deadline != 0) {
            if (state.mustStartOver()) {
                // Past the budget between two hooks: this command fails, and so does every later one
                // (a pcall may catch that; the next hook's stop it cannot).
                ScriptVm.pushError(lua, START_OVER);
                return;
            }
            if (spec != null && irrevocable(spec) && !state.byKey) {
                state.irrevocable = true; // by key, such a command stops the run before it runs
            }
        }
        ByteBuf buf = scratch.get();
        buf.clear();
        RespWriter w = new RespWriter(buf);
        w.protocol(resp.get()[0]);
        boolean writes = spec != null && spec.has(io.rockhub.resp.command.CommandFlag.WRITE);
        if (writes) {
            runningWrote = true;
        }
        if (!hub.storage().inTransaction() && writes) {
            // Inside EXEC there is one already, gathering everything; a run by key joins its
            // client's burst if it can.
            if (state.burst != null && state.burst.join()) { // set only for a run by key on the loop
                state.joined = true;
            } else {
                hub.keys().beginTransaction();
                begun.get()[0] = true;
            }
        }
        boolean gated = hub.cluster().enabled() || state.deadline != 0 && state.byKey;
        dispatcher.runFromScript(session, argv, w, readOnlyScript.get(), gated ? gate : null);
        byte[] raw = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), raw);
        if (raw.length == 0) {
            ScriptVm.pushError(lua, "ERR the command gave no reply");
            return;
        }
        LuaReplies.push(lua, raw, new int[] {0});
    }
}
