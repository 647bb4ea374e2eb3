package io.rockhub.resp.scripting;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;
import party.iroiro.luajava.lua51.Lua51;

/**
 * One Lua 5.1 interpreter (the real C VM, through luajava's JNI binding), owned by one event-loop
 * thread: scripts are compiled into it once and cached by SHA. Its globals are Redis 7.0's sandbox:
 * no os, io, debug, print, loadfile, dofile, require, module, setfenv, getfenv or newproxy; reading a
 * global that does not exist or writing any global is an error, with Redis's messages.
 *
 * <p>Errors follow Redis's scheme: every error reaching the script's top becomes a table with
 * {@code err} (a string error gets "ERR " in front), {@code source} and {@code line} (where the
 * script was when it failed), from which the reply is built.
 */
final class ScriptVm implements AutoCloseable {
    /** Runs one redis.call/pcall: the command line, and whether an error reply should raise. */
    interface CommandRunner {
        /** The reply as a Lua value pushed on {@code lua}'s stack (error replies as {err=...} tables). */
        void run(Lua lua, List<byte[]> argv);
    }

    /** Instructions between two looks at SCRIPT KILL and the heap: about a millisecond of Lua. */
    static final int HOOK_EVERY = 100_000;

    private static final String SETUP = String.join("\n",
            "local call, pcall_, dbg, rawget, type, tostring, check, collectgarbage, heap_limit_kb = ...",
            "local G, rawset = _G, rawset",
            "redis = {}",
            "redis.call = call",
            "redis.pcall = pcall_",
            // A leading '-' goes; text without a space has no error code of its own and gets ERR.
            "redis.error_reply = function(e)",
            "  if type(e) ~= 'string' then error('wrong number or type of arguments', 2) end",
            "  if e:sub(1, 1) == '-' then e = e:sub(2) end",
            "  if not e:find(' ', 1, true) then e = 'ERR ' .. e end",
            "  return {err = e}",
            "end",
            "redis.status_reply = function(s)",
            "  if type(s) ~= 'string' then error('wrong number or type of arguments', 2) end",
            "  return {ok = s}",
            "end",
            "redis.REDIS_VERSION = '7.0.15'",
            "redis.REDIS_VERSION_NUM = 458767",
            "redis.LOG_DEBUG = 0; redis.LOG_VERBOSE = 1; redis.LOG_NOTICE = 2; redis.LOG_WARNING = 3",
            "redis.REPL_NONE = 0; redis.REPL_AOF = 1; redis.REPL_SLAVE = 2; redis.REPL_REPLICA = 2; redis.REPL_ALL = 3",
            "redis.set_repl = function() end",
            "redis.replicate_commands = function() return true end",
            "redis.breakpoint = function() return false end",
            "redis.debug = function() end",
            // Where a failing script was: the first frame, from the one that failed upwards, that is
            // neither a C function (error, redis.call) nor RockHub's own glue.
            "local function handler(err)",
            "  local level, i = 2, nil",
            "  repeat",
            "    i = dbg.getinfo(level, 'nSl')",
            "    level = level + 1",
            "  until not i or (i.what ~= 'C' and i.source:sub(1, 8) ~= '=rockhub')",
            // An error raised by one of our Java functions arrives as the exception's text: make it
            // read like a C library's error, with the script's position in front.
            "  if type(err) == 'string' and i and err:sub(1, 28) == 'java.lang.RuntimeException: ' then",
            "    err = i.short_src .. ':' .. i.currentline .. ': ' .. err:sub(29)",
            "  end",
            "  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end",
            "  if i and rawget(err, 'source') == nil then err['source'] = i.source; err['line'] = i.currentline end",
            "  return err",
            "end",
            // Kept out of the globals: the server reaches them through the registry only.
            "local scripts = {}",
            "local setfenv = setfenv",
            "local function store(f, sha, env) setfenv(f, env) scripts[sha] = f end",
            // Every script and function runs under a count hook: it is how SCRIPT KILL reaches a
            // script in a loop, how the Lua heap stays bounded and how a run on an event loop is held to
            // its budget (every HOOK_EVERY instructions, or as often as Java asks; string.rep, the one
            // way to allocate much in one instruction, checks first).
            // Once killed, the hook raises at every instruction, so no pcall can swallow the kill.
            "local sethook, getinfo, registry = dbg.sethook, dbg.getinfo, dbg.getregistry()",
            "local guarded",
            "local format = string.format",
            "local function on_hook()",
            "  local e = check()",
            "  local limit = heap_limit_kb()",
            "  if not e and collectgarbage('count') > limit then",
            "    collectgarbage('collect')",
            "    if collectgarbage('count') > limit then",
            "      e = format('ERR Script used more than the scripts memory limit (lua-heap-limit-mb %d)', limit / 1024)",
            "    end",
            "  end",
            "  if e then",
            "    local i = getinfo(2, 'Sl')",
            "    local killed = {err = e, source = i and i.source, line = i and i.currentline}",
            "    registry.rockhub_killed = killed",
            // Raised again at every instruction of the script, not of the glue that ends the run.
            "    sethook(function()",
            "      local f = getinfo(2, 'f').func",
            "      if f ~= guarded and f ~= handler then error(killed) end",
            "    end, '', 1)",
            "    error(killed)",
            "  end",
            "end",
            "guarded = function(f, every)",
            "  sethook(on_hook, '', every)",
            "  local ok, r = xpcall(f, handler)",
            "  sethook()",
            "  return ok, r",
            "end",
            "do",
            "  local rep = string.rep",
            "  string.rep = function(s, n, ...)",
            "    if type(s) == 'string' and type(n) == 'number' and #s * n > heap_limit_kb() * 1024 then",
            "      error({err = 'ERR string.rep result would pass the scripts memory limit'})",
            "    end",
            "    return rep(s, n, ...)",
            "  end",
            "end",
            // A run's KEYS and ARGV come as arguments (set past the sandbox's guard, as Redis does), and
            // it answers whether it was killed: one call from Java instead of a dozen.
            "local function ended(ok, r)",
            "  local killed = registry.rockhub_killed",
            "  registry.rockhub_killed = nil",
            "  return ok, r, killed",
            "end",
            "local function run(id, every, keys, argv)",
            "  rawset(G, 'KEYS', keys)",
            "  rawset(G, 'ARGV', argv)",
            "  return ended(guarded(scripts[id], every))",
            "end",
            "local function forget() scripts = {} end",
            // FUNCTION libraries (Redis 7.0's rules): a library's code runs once in an environment
            // that holds nothing but a redis table able to register functions and log; its functions
            // see the whole sandbox when called later (a closure keeps its creator's environment, so
            // the same environment changes face after loading).
            "local functions = {}",
            "local select, next, ipairs, setmetatable, error = select, next, ipairs, setmetatable, error",
            "local FLAGS = {['no-writes'] = 1, ['allow-oom'] = 2, ['allow-stale'] = 3, ['no-cluster'] = 4, ['allow-cross-slot-keys'] = 5}",
            "local function fail(msg) error({err = 'ERR ' .. msg}) end",
            "local function valid_name(n) return #n > 0 and not n:find('[^%w_]') end",
            "local function register(registered, byname, ...)",
            "  local n = select('#', ...)",
            "  local a, b = ...",
            "  local name, cb, flags, desc",
            "  if n == 1 then",
            "    if type(a) ~= 'table' then fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).') end",
            "    for k, v in next, a do",
            "      if type(k) ~= 'string' and type(k) ~= 'number' then fail('named argument key given to redis.register_function is not a string') end",
            "      k = tostring(k)",
            "      if k == 'function_name' then",
            "        if type(v) ~= 'string' and type(v) ~= 'number' then fail('function_name argument given to redis.register_function must be a string') end",
            "        name = tostring(v)",
            "      elseif k == 'description' then",
            "        if type(v) ~= 'string' and type(v) ~= 'number' then fail('description argument given to redis.register_function must be a string') end",
            "        desc = tostring(v)",
            "      elseif k == 'callback' then",
            "        if type(v) ~= 'function' then fail('callback argument given to redis.register_function must be a function') end",
            "        cb = v",
            "      elseif k == 'flags' then",
            "        if type(v) ~= 'table' then fail('flags argument to redis.register_function must be a table representing function flags') end",
            "        flags = v",
            "      else fail('unknown argument given to redis.register_function') end",
            "    end",
            "    if name == nil then fail('redis.register_function must get a function name argument') end",
            "    if cb == nil then fail('redis.register_function must get a callback argument') end",
            "  elseif n == 2 then",
            "    if type(a) ~= 'string' and type(a) ~= 'number' then fail('first argument to redis.register_function must be a string') end",
            "    if type(b) ~= 'function' then fail('second argument to redis.register_function must be a function') end",
            "    name, cb = tostring(a), b",
            "  else fail('wrong number of arguments to redis.register_function') end",
            "  local known = {}",
            "  for _, f in ipairs(flags or {}) do",
            "    if type(f) ~= 'string' or not FLAGS[f] then fail('unknown flag given') end",
            "    known[FLAGS[f]] = f",
            "  end",
            "  local ordered = {}",
            "  for i = 1, 5 do if known[i] then ordered[#ordered + 1] = known[i] end end",
            // Redis 7.0 words a bad function name as it words a bad library name.
            "  if not valid_name(name) then fail('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long') end",
            "  if byname[name:lower()] then fail('Function already exists in the library') end",
            "  byname[name:lower()] = true",
            "  registered[#registered + 1] = {name = name, callback = cb, flags = ordered, description = desc}",
            "end",
            "local function readonly_view(t)",
            "  return setmetatable({}, {",
            "    __index = function(_, k)",
            "      local v = t[k]",
            "      if v == nil then error(\"Script attempted to access nonexistent global variable '\" .. tostring(k) .. \"'\", 2) end",
            "      return v",
            "    end,",
            "    __newindex = function() error('Attempt to modify a readonly table', 2) end,",
            "    __metatable = false})",
            "end",
            "local function load_library(chunk, G, full_redis, expired)",
            "  local registered, byname, loading = {}, {}, true",
            "  local api = {register_function = function(...) return register(registered, byname, ...) end}",
            "  for _, k in ipairs({'log', 'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING', 'REDIS_VERSION', 'REDIS_VERSION_NUM'}) do",
            "    api[k] = full_redis[k]",
            "  end",
            "  api = readonly_view(api)",
            // Errors at level 2: the script's line that named the missing global.
            "  local env = setmetatable({}, {",
            "    __index = function(_, k)",
            "      local v",
            "      if loading then v = k == 'redis' and api or nil else v = rawget(G, k) end",
            "      if v == nil then error(\"Script attempted to access nonexistent global variable '\" .. tostring(k) .. \"'\", 2) end",
            "      return v",
            "    end,",
            "    __newindex = function() error('Attempt to modify a readonly table', 2) end,",
            "    __metatable = false})",
            "  setfenv(chunk, env)",
            "  dbg.sethook(function() if expired() then error({err = 'ERR FUNCTION LOAD timeout'}) end end, '', 10000)",
            "  local ok, err = xpcall(chunk, handler)",
            "  dbg.sethook()",
            "  loading = false",
            "  if not ok then return nil, err end",
            "  return registered",
            "end",
            "local function store_function(name, cb) functions[name:lower()] = cb end",
            "local function forget_functions() functions = {} end",
            "local function call_function(name, keys, args, every)",
            "  local f = functions[name:lower()]",
            "  return ended(guarded(function() return f(keys, args) end, every))",
            "end",
            // What a table a script returns stands for, in Redis's order of checks (see LuaReplies),
            // and for an array its length up to the first nil.
            "local function shape(t)",
            "  if type(rawget(t, 'err')) == 'string' then return 1, 0 end",
            "  if type(rawget(t, 'ok')) == 'string' then return 2, 0 end",
            "  if type(rawget(t, 'double')) == 'number' then return 3, 0 end",
            "  if type(rawget(t, 'big_number')) == 'string' then return 4, 0 end",
            "  if type(rawget(t, 'verbatim_string')) == 'table' then return 5, 0 end",
            "  if type(rawget(t, 'map')) == 'table' then return 6, 0 end",
            "  if type(rawget(t, 'set')) == 'table' then return 7, 0 end",
            "  local n = 0",
            "  while rawget(t, n + 1) ~= nil do n = n + 1 end",
            "  return 0, n",
            "end",
            "return store, run, forget, load_library, store_function, forget_functions, call_function, shape");

    /**
     * Redis 7.0's sandbox, built in Lua: the library tables and the globals are read-only (through
     * proxies whose writes fail, seen through by pairs, next, rawget; rawset and setmetatable refuse
     * them), scripts run with the read-only globals as their environment (functions made by
     * loadstring too), so nothing a script does can leak into the next one.
     */
    private static final String SANDBOX = String.join("\n",
            "local G, dbg = _G, debug",
            "local rawset, rawget, next, error, setmetatable, setfenv, loadstring, load, tostring, ipairs =",
            "  rawset, rawget, next, error, setmetatable, setfenv, loadstring, load, tostring, ipairs",
            "for _, name in ipairs({'os', 'io', 'debug', 'print', 'loadfile', 'dofile', 'require', 'module',",
            "    'setfenv', 'getfenv', 'newproxy', 'package'}) do G[name] = nil end",
            "local readonly = setmetatable({}, {__mode = 'k'})",
            "local function refuse() error('Attempt to modify a readonly table', 2) end",
            "local function protect(real)",
            "  local proxy = setmetatable({}, {__index = real, __newindex = refuse, __metatable = false})",
            "  readonly[proxy] = real",
            "  return proxy",
            "end",
            "for _, name in ipairs({'string', 'table', 'math', 'coroutine', 'redis', 'cjson', 'cmsgpack', 'bit', 'struct'}) do",
            "  rawset(G, name, protect(rawget(G, name)))",
            "end",
            "dbg.getmetatable('').__index = rawget(G, 'string')",
            "local function real(t) return readonly[t] or t end",
            "local function see_next(t, k) return next(real(t), k) end",
            "rawset(G, 'next', see_next)",
            "rawset(G, 'pairs', function(t) return see_next, t, nil end)",
            "rawset(G, 'rawget', function(t, k) return rawget(real(t), k) end)",
            "rawset(G, 'rawset', function(t, k, v)",
            "  if readonly[t] then error('Attempt to modify a readonly table', 0) end",
            "  return rawset(t, k, v)",
            "end)",
            "rawset(G, 'setmetatable', function(t, m)",
            "  if readonly[t] then error('Attempt to modify a readonly table', 0) end",
            "  return setmetatable(t, m)",
            "end)",
            // As Redis 7's pcall: an error table raised by a redis.* function reaches the script as its text.
            "local pcall, select, unpack, type = pcall, select, unpack, type",
            "local function caught(ok, ...)",
            "  if not ok then",
            "    local e = ...",
            "    if type(e) == 'table' and rawget(e, 'err') ~= nil then return false, rawget(e, 'err') end",
            "  end",
            "  return ok, ...",
            "end",
            "rawset(G, 'pcall', function(f, ...) return caught(pcall(f, ...)) end)",
            "local env = protect(G)",
            "rawset(G, '_G', env)",
            "rawset(G, 'loadstring', function(s, name)",
            "  local f, e = loadstring(s, name)",
            "  if f then setfenv(f, env) end",
            "  return f, e",
            "end)",
            "rawset(G, 'load', function(f, name)",
            "  local g, e = load(f, name)",
            "  if g then setfenv(g, env) end",
            "  return g, e",
            "end)",
            // The JNI binding keeps a pending Java exception in the global __jthrowable__: let it.
            "setmetatable(G, {",
            "  __index = function(_, k)",
            "    if k == '__jthrowable__' then return nil end",
            "    error(\"Script attempted to access nonexistent global variable '\" .. tostring(k) .. \"'\", 2)",
            "  end,",
            "  __newindex = function(t, k, v)",
            "    if k == '__jthrowable__' then rawset(t, k, v) return end",
            "    error('Attempt to modify a readonly table', 2)",
            "  end,",
            "  __metatable = false",
            "})",
            "return env");

    /** Lua 5.1's type codes (lua.h), as luajava's natives return them. */
    static final int LUA_TNUMBER = 3;
    static final int LUA_TSTRING = 4;

    /** Lua 5.1's pseudo-indices of the registry and the globals table. */
    static final int REGISTRY = -10000;
    static final int GLOBALS = -10002;

    private final Lua lua;
    /** Compiled scripts by SHA: the number each is kept under in the VM (cheaper to pass than the SHA). */
    private final java.util.Map<String, Integer> compiled = new java.util.HashMap<>();
    private int nextScriptId;
    /** Registry references of the glue called at every run (an integer, not a name to convert). */
    private int runRef;
    private int callFunctionRef;
    private int shapeRef;

    /**
     * A VM for EVAL scripts, or ({@code forFunctions}) one for FUNCTION libraries: Redis keeps the two
     * apart (a script's KEYS/ARGV globals never reach a function), and a function's redis table has
     * no breakpoint, debug or replicate_commands.
     */
    ScriptVm(CommandRunner runner, java.util.function.IntConsumer setResp,
             java.util.function.Predicate<String> commandExists, boolean forFunctions,
             java.util.function.Supplier<String> interrupt, java.util.function.LongSupplier heapLimitBytes) {
        lua = new Lua51();
        lua.openLibraries();
        try {
            lua.load(ByteBuffer.allocateDirect(SETUP.length()).put(SETUP.getBytes(StandardCharsets.US_ASCII)).flip(),
                    "=rockhub_setup");
            lua.push(command(runner, true));
            lua.push(command(runner, false));
            lua.getGlobal("debug");
            lua.getGlobal("rawget");
            lua.getGlobal("type");
            lua.getGlobal("tostring");
            lua.push((JFunction) l -> {
                String e = interrupt.get();
                if (e == null) {
                    return 0;
                }
                l.push(e);
                return 1;
            });
            lua.getGlobal("collectgarbage");
            lua.push((JFunction) l -> {
                l.push((double) (heapLimitBytes.getAsLong() / 1024));
                return 1;
            });
            lua.pCall(9, 8);
            lua.getGlobal("debug");
            lua.getField(-1, "sethook");
            lua.setField(REGISTRY, "rockhub_sethook");
            lua.pop(1);
            shapeRef = lua.ref();
            callFunctionRef = lua.ref();
            lua.setField(REGISTRY, "rockhub_forget_functions");
            lua.setField(REGISTRY, "rockhub_store_function");
            lua.setField(REGISTRY, "rockhub_load_library");
            lua.setField(REGISTRY, "rockhub_forget");
            runRef = lua.ref();
            lua.setField(REGISTRY, "rockhub_store");
            lua.getGlobal("redis");
            lua.push((JFunction) l -> {
                if (l.getTop() != 1 || l.type(1) != Lua.LuaType.STRING) {
                    pushError(l, "ERR wrong number of arguments"); // raised as Redis's error table, no position
                    return -1;
                }
                l.push(ScriptSource.sha1Hex(bytes(l, 1)));
                return 1;
            });
            lua.setField(-2, "sha1hex");
            lua.push((JFunction) l -> {
                int v = l.getTop() == 1 && l.isNumber(1) ? (int) l.toNumber(1) : -1;
                if (v != 2 && v != 3) {
                    pushError(l, l.getTop() == 1 ? "ERR RESP version must be 2 or 3."
                            : "ERR redis.setresp() requires one argument.");
                    return -1;
                }
                setResp.accept(v);
                return 0;
            });
            lua.setField(-2, "setresp");
            lua.push((JFunction) this::log);
            lua.setField(-2, "log");
            // Every user may run every command until ACLs exist (issue 16): only unknown names fail.
            lua.push((JFunction) l -> {
                if (l.getTop() == 0) {
                    pushError(l, "ERR Please specify at least one argument for this redis lib call");
                    return -1;
                }
                if (l.type(1) != Lua.LuaType.STRING || !commandExists.test(l.toString(1))) {
                    pushError(l, "ERR Invalid command passed to redis.acl_check_cmd()");
                    return -1;
                }
                l.push(true);
                return 1;
            });
            lua.setField(-2, "acl_check_cmd");
            if (forFunctions) {
                for (String debugOnly : new String[] {"breakpoint", "debug", "replicate_commands"}) {
                    lua.pushNil();
                    lua.setField(-2, debugOnly);
                }
            }
            lua.pop(1);
            LuaLibraries.install(lua);
            installCjson(lua);
            LuaMsgpack.install(lua);
            LuaStruct.install(lua);
            lua.load(ByteBuffer.allocateDirect(SANDBOX.length()).put(SANDBOX.getBytes(StandardCharsets.US_ASCII)).flip(),
                    "=rockhub_sandbox");
            lua.pCall(0, 1);
            lua.setField(REGISTRY, "rockhub_env");
        } catch (LuaException e) {
            lua.close();
            throw new IllegalStateException("Lua sandbox setup failed: " + e.getMessage(), e);
        }
    }

    Lua lua() {
        return lua;
    }

    private static final org.slf4j.Logger SCRIPT_LOG = org.slf4j.LoggerFactory.getLogger("rockhub.script");

    /** redis.log(level, ...): the arguments joined by spaces, to the server log at the matching level. */
    private int log(Lua l) {
        int n = l.getTop();
        if (n < 2) {
            pushError(l, "ERR redis.log() requires two arguments or more.");
            return -1;
        }
        if (!l.isNumber(1)) {
            pushError(l, "ERR First argument must be a number (log level).");
            return -1;
        }
        int level = (int) l.toNumber(1);
        if (level < 0 || level > 3) {
            pushError(l, "ERR Invalid debug level.");
            return -1;
        }
        StringBuilder msg = new StringBuilder();
        for (int i = 2; i <= n; i++) {
            if (l.type(i) == Lua.LuaType.STRING || l.type(i) == Lua.LuaType.NUMBER) {
                if (msg.length() > 0) {
                    msg.append(' ');
                }
                msg.append(new String(bytes(l, i), StandardCharsets.UTF_8));
            }
        }
        if (heldLogs != null) {
            heldLogs.add(new HeldLine(level, msg.toString()));
        } else {
            writeLog(level, msg.toString());
        }
        return 0;
    }

    private static void writeLog(int level, String msg) {
        switch (level) {
            case 0, 1 -> SCRIPT_LOG.debug("{}", msg);
            case 2 -> SCRIPT_LOG.info("{}", msg);
            default -> SCRIPT_LOG.warn("{}", msg);
        }
    }

    private record HeldLine(int level, String text) {
    }

    /** redis.log lines of a run that may start over elsewhere, written only if it does not; else null. */
    private java.util.List<HeldLine> heldLogs;

    /** Until {@link #releaseLogs}, redis.log lines wait: a run that starts over must not log twice. */
    void holdLogs() {
        heldLogs = new java.util.ArrayList<>(0);
    }

    /** Ends {@link #holdLogs}: the held lines are written ({@code write}) or dropped. */
    void releaseLogs(boolean write) {
        java.util.List<HeldLine> held = heldLogs;
        heldLogs = null;
        if (write && held != null) {
            for (HeldLine line : held) {
                writeLog(line.level(), line.text());
            }
        }
    }

    /** Instructions between two runs of the hook (kill, heap limit, a run's time on an event loop). */
    private int hookEvery = HOOK_EVERY;

    void hookEvery(int instructions) {
        this.hookEvery = instructions;
    }

    /**
     * cjson (our Lua implementation of lua-cjson 2.1's behaviour, {@code cjson.lua} beside this
     * class). encode and decode are C functions to scripts, so an error names the script's line even
     * after a tail call, as Redis's C library does.
     */
    private static void installCjson(Lua lua) throws LuaException {
        byte[] code;
        try (java.io.InputStream in = ScriptVm.class.getResourceAsStream("cjson.lua")) {
            code = in.readAllBytes();
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("cjson.lua missing from the class path", e);
        }
        lua.load(ByteBuffer.allocateDirect(code.length).put(code).flip(), "=rockhub_cjson");
        lua.getGlobal("newproxy"); // cjson.null: a userdata of its own, as lua-cjson's NULL pointer
        lua.push(false);
        lua.pCall(1, 1);
        lua.getGlobal("string");
        lua.getField(-1, "format");
        lua.getField(-2, "byte");
        lua.getField(-3, "char");
        lua.getField(-4, "sub");
        lua.getField(-5, "find");
        lua.remove(-6);
        lua.getGlobal("table");
        lua.getField(-1, "concat");
        lua.remove(-2);
        lua.pCall(7, 3);
        lua.setField(REGISTRY, "rockhub_cjson_decode");
        lua.setField(REGISTRY, "rockhub_cjson_encode");
        lua.push(delegate("rockhub_cjson_encode"));
        lua.setField(-2, "encode");
        lua.push(delegate("rockhub_cjson_decode"));
        lua.setField(-2, "decode");
        lua.setGlobal("cjson");
    }

    /** A C function that calls a Lua function kept in the registry with the same arguments. */
    private static JFunction delegate(String registryName) {
        return l -> {
            int n = l.getTop();
            l.getField(REGISTRY, registryName);
            for (int i = 1; i <= n; i++) {
                l.pushValue(i);
            }
            try {
                l.pCall(n, 1);
            } catch (LuaException e) {
                throw new RuntimeException(e.getMessage());
            }
            return 1;
        };
    }

    /**
     * redis.call (raising) or redis.pcall: a C function to Lua, so that a script's
     * {@code return redis.call(...)} keeps the script's frame for the error's line, as in Redis.
     */
    private static JFunction command(CommandRunner runner, boolean raise) {
        return l -> {
            int n = l.getTop();
            if (n == 0) {
                pushError(l, "ERR Please specify at least one argument for this redis lib call");
                return raise ? -1 : 1;
            }
            java.util.ArrayList<byte[]> argv = new java.util.ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                int t = l.getLuaNatives().lua_type(l.getPointer(), i);
                if (t != LUA_TSTRING && t != LUA_TNUMBER) {
                    pushError(l, "ERR Lua redis lib command arguments must be strings or integers");
                    return raise ? -1 : 1;
                }
                argv.add(bytes(l, i));
            }
            l.setTop(0);
            runner.run(l, argv);
            if (raise && l.type(-1) == Lua.LuaType.TABLE) {
                l.getField(-1, "err");
                boolean failed = !l.isNil(-1);
                l.pop(1);
                if (failed) {
                    return -1; // raises the {err=...} table
                }
            }
            return 1;
        };
    }

    static void pushError(Lua l, String message) {
        l.newTable();
        pushBytes(l, message.getBytes(StandardCharsets.UTF_8));
        l.setField(-2, "err");
    }

    /** A Lua string or number at {@code index} as bytes (a number as Lua prints it, %.14g). */
    static byte[] bytes(Lua l, int index) {
        party.iroiro.luajava.LuaNatives c = l.getLuaNatives();
        long state = l.getPointer();
        if (c.lua_type(state, index) == LUA_TNUMBER) {
            return c.lua_tostring(state, index).getBytes(StandardCharsets.US_ASCII);
        }
        // Most arguments are ASCII: as a Java string they cost no buffer object made through JNI. The
        // binding decodes Lua's bytes as modified UTF-8, so the string is trusted only when it kept
        // every byte and all are ASCII (any byte >= 0x80 shortens it or yields a char >= 0x80).
        // luajava's own methods first ask the C stack for room (one more JNI crossing each): reading
        // needs none, so the hot paths here call its natives directly.
        String text = c.lua_tostring(state, index);
        if (text != null && text.length() == c.luaJ_len(state, index) && ascii(text)) {
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }
        // A view of Lua's own string (no copy into a new direct buffer, nothing for the GC to clean).
        ByteBuffer b = l.toDirectBuffer(index);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * Pushes bytes as a Lua string. The binding passes Java strings as (modified) UTF-8, exact for
     * UTF-8 text without NUL or 4-byte characters; anything else is built from a tiny chunk of
     * decimal escapes, which is exact for every byte.
     */
    /**
     * As {@link #pushBytes}, for a caller that knows the stack has room for one more value (luajava's
     * own push asks the C stack for room first, one more JNI crossing per value).
     */
    static void pushBytesWithRoom(Lua l, byte[] v) {
        if (plainUtf8(v)) {
            l.getLuaNatives().luaJ_pushstring(l.getPointer(), new String(v, StandardCharsets.UTF_8));
        } else {
            pushBytes(l, v);
        }
    }

    static void pushBytes(Lua l, byte[] v) {
        if (plainUtf8(v)) {
            l.push(new String(v, StandardCharsets.UTF_8));
            return;
        }
        StringBuilder chunk = new StringBuilder(v.length * 4 + 10).append("return \"");
        for (byte b : v) {
            chunk.append('\\').append(b & 0xff);
        }
        chunk.append('"');
        byte[] code = chunk.toString().getBytes(StandardCharsets.US_ASCII);
        try {
            l.load(ByteBuffer.allocateDirect(code.length).put(code).flip(), "=bytes");
            l.pCall(0, 1);
        } catch (LuaException e) {
            throw new IllegalStateException("cannot build a Lua string: " + e.getMessage(), e);
        }
    }

    /** UTF-8 text that the binding's modified UTF-8 carries unchanged: no NUL, nothing past U+FFFF. */
    private static boolean plainUtf8(byte[] v) {
        int i = 0;
        while (i < v.length) {
            int c = v[i] & 0xff;
            if (c == 0) {
                return false;
            }
            if (c < 0x80) {
                i++;
                continue;
            }
            int more = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : -1;
            if (more < 0 || i + more >= v.length) {
                return false;
            }
            for (int k = 1; k <= more; k++) {
                if ((v[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            if (more == 2) {
                int cp = ((c & 0x0F) << 12) | ((v[i + 1] & 0x3F) << 6) | (v[i + 2] & 0x3F);
                if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) {
                    return false;
                }
            }
            i += more + 1;
        }
        return true;
    }

    /**
     * Compiles a script body as a function kept in the registry-like table {@code __rockhub_scripts}
     * (not a global: scripts cannot reach it). Returns null, or Redis's compile error text.
     */
    String compile(ScriptSource s) {
        if (compiled.containsKey(s.sha())) {
            return null;
        }
        try {
            byte[] code = s.code();
            lua.load(ByteBuffer.allocateDirect(code.length).put(code).flip(), "@user_script");
        } catch (LuaException e) {
            lua.setTop(0);
            return "ERR Error compiling script (new function): " + e.getMessage();
        }
        int id = ++nextScriptId;
        lua.getField(REGISTRY, "rockhub_store");
        lua.pushValue(-2);
        lua.push(id);
        lua.getField(REGISTRY, "rockhub_env");
        try {
            lua.pCall(3, 0);
        } catch (LuaException e) {
            lua.setTop(0);
            throw new IllegalStateException(e);
        }
        lua.setTop(0);
        compiled.put(s.sha(), id);
        return null;
    }

    /** As Redis: a library's loading code may run for 500 ms at most. */
    private static final long LOAD_TIME_LIMIT_NANOS = 500_000_000L;
    private final Set<String> loadedLibraries = new HashSet<>();

    boolean hasLibrary(String name) {
        return loadedLibraries.contains(name);
    }

    /**
     * Runs a library's code, registering its functions in this VM. Returns the functions it
     * registered (name, flags, description) or Redis's error text; with {@code keep} false nothing is
     * kept (FUNCTION LOAD checks a library before storing it).
     */
    Object loadLibrary(String name, byte[] code, boolean keep) {
        lua.setTop(0);
        try {
            // The #! line becomes a comment: Lua reads the rest with its line numbers unchanged.
            byte[] c = code.clone();
            c[0] = '-';
            c[1] = '-';
            lua.load(ByteBuffer.allocateDirect(c.length).put(c).flip(), "@user_function");
        } catch (LuaException e) {
            lua.setTop(0);
            return "ERR Error compiling function: " + e.getMessage();
        }
        int chunk = lua.getTop();
        lua.getField(REGISTRY, "rockhub_load_library");
        lua.pushValue(chunk);
        lua.pushValue(GLOBALS);
        LuaReplies.rawField(lua, GLOBALS, "redis");
        long deadline = System.nanoTime() + LOAD_TIME_LIMIT_NANOS;
        lua.push((JFunction) l -> {
            l.push(System.nanoTime() - deadline > 0);
            return 1;
        });
        try {
            lua.pCall(4, 2);
        } catch (LuaException e) {
            lua.setTop(0);
            return "ERR Error registering functions: " + e.getMessage();
        }
        if (lua.isNil(-2)) {
            LuaReplies.rawField(lua, -1, "err");
            String err = lua.isNil(-1) ? "ERR unknown error" : new String(bytes(lua, -1), StandardCharsets.UTF_8);
            lua.setTop(0);
            return "ERR Error registering functions: " + err;
        }
        int list = lua.getTop() - 1;
        java.util.List<FunctionLibrary.Function> out = new java.util.ArrayList<>();
        for (int i = 1; ; i++) {
            lua.rawGetI(list, i);
            if (lua.isNil(-1)) {
                lua.pop(1);
                break;
            }
            int entry = lua.getTop();
            lua.getField(entry, "name");
            String fname = lua.toString(-1);
            lua.getField(entry, "description");
            String description = lua.isNil(-1) ? null : lua.toString(-1);
            lua.getField(entry, "flags");
            java.util.List<String> flags = new java.util.ArrayList<>();
            int ft = lua.getTop();
            for (int k = 1; ; k++) {
                lua.rawGetI(ft, k);
                if (lua.isNil(-1)) {
                    lua.pop(1);
                    break;
                }
                flags.add(lua.toString(-1));
                lua.pop(1);
            }
            out.add(new FunctionLibrary.Function(fname, flags, description));
            if (keep) {
                lua.getField(REGISTRY, "rockhub_store_function");
                lua.push(fname);
                lua.getField(entry, "callback");
                try {
                    lua.pCall(2, 0);
                } catch (LuaException e) {
                    throw new IllegalStateException(e);
                }
            }
            lua.setTop(entry - 1);
        }
        lua.setTop(0);
        if (keep) {
            loadedLibraries.add(name);
        }
        return out;
    }

    /** FUNCTION FLUSH / DELETE / RESTORE: every library is loaded again when next needed. */
    void forgetLibraries() {
        loadedLibraries.clear();
        callRegistered("rockhub_forget_functions");
    }

    /** Calls a function of RockHub's own kept in the registry, without arguments; it cannot fail. */
    private void callRegistered(String name) {
        lua.getField(REGISTRY, name);
        try {
            lua.pCall(0, 0);
        } catch (LuaException e) {
            throw new IllegalStateException(e);
        }
        lua.setTop(0);
    }

    /** Calls a registered function with KEYS and ARGV tables; leaves what {@link #run} leaves. */
    void callFunction(String name, List<byte[]> keys, List<byte[]> args) {
        lua.refGet(callFunctionRef);
        lua.push(name);
        pushArray(keys);
        pushArray(args);
        lua.push(hookEvery);
        call(4);
    }

    /** Calls the glue with {@code args} arguments; a failure of the glue itself reads as a script error. */
    private void call(int args) {
        try {
            lua.pCall(args, 3);
        } catch (LuaException e) {
            // Only a failure of the runner itself (out of memory): report it as a script error.
            lua.setTop(0);
            lua.push(false);
            pushError(lua, "ERR " + e.getMessage());
            lua.pushNil();
        }
    }

    /** Writes the run's result at {@code index} as a script's reply (see {@link LuaReplies#write}). */
    void writeResult(int index, io.rockhub.resp.protocol.RespWriter out, boolean resp3) {
        LuaReplies.write(lua, index, out, resp3, shapeRef);
    }

    /** A new table of {@code values}: each is set as soon as it is pushed, so the stack stays shallow. */
    private void pushArray(List<byte[]> values) {
        lua.newTable();
        for (int i = 0; i < values.size(); i++) {
            pushBytesWithRoom(lua, values.get(i));
            lua.rawSetI(-2, i + 1);
        }
    }

    /**
     * After a run that was killed or stopped (its error came back from the run itself): the
     * every-instruction hook is removed (called from Java, so it runs no Lua instruction), and a kill
     * the glue could not hand back (it failed itself) is forgotten, not reported by the next run.
     */
    void endKilledRun() {
        lua.getField(REGISTRY, "rockhub_sethook");
        try {
            lua.pCall(0, 0);
        } catch (LuaException e) {
            throw new IllegalStateException(e);
        }
        lua.pushNil();
        lua.setField(REGISTRY, "rockhub_killed");
    }

    /** SCRIPT FLUSH: compiled scripts go. */
    void forgetAll() {
        compiled.clear();
        callRegistered("rockhub_forget");
    }

    /**
     * Runs a compiled script with KEYS and ARGV set; leaves on the stack {@code true, result} or
     * {@code false, errorTable} (err, source, line), then the error table of a kill (SCRIPT KILL, the
     * heap limit, the hook's stop) or nil.
     */
    void run(String sha, List<byte[]> keys, List<byte[]> args) {
        lua.refGet(runRef);
        lua.push(compiled.get(sha));
        lua.push(hookEvery);
        pushArray(keys);
        pushArray(args);
        call(4);
    }

    @Override
    public void close() {
        lua.close();
    }
}
