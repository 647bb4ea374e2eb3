package io.rockhub.resp.server;

import io.rockhub.core.storage.StorageException;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandFlag;
import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks a request up in the command table and runs it, with Redis's order of checks: unknown
 * command, arity, authentication, then the command's own parse; only then does it touch storage.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Hub hub;

    public Dispatcher(Hub hub) {
        this.hub = hub;
    }

    public void dispatch(ClientSession session, List<byte[]> argv, RespWriter out) {
        long start = System.nanoTime();
        String name = new String(argv.get(0), java.nio.charset.StandardCharsets.UTF_8);
        CommandSpec spec = hub.commands().lookup(name);
        if (spec == null) {
            out.error(Errors.unknownCommand(name, argv));
            return;
        }
        if (spec.isContainer() && argv.size() >= 2) {
            CommandSpec sub = spec.subcommand(new String(argv.get(1), java.nio.charset.StandardCharsets.UTF_8));
            if (sub == null) {
                out.error(Errors.unknownSubcommand(new String(argv.get(1), java.nio.charset.StandardCharsets.UTF_8),
                        spec.name()));
                return;
            }
            spec = sub;
        }
        if (!spec.arityOk(argv.size())) {
            out.error(Errors.wrongArity(spec.name()));
            return;
        }
        if (session.authRequired() && !spec.has(CommandFlag.NO_AUTH)) {
            out.error(Errors.NOAUTH);
            return;
        }
        session.touched(spec.name());
        boolean failed = false;
        int mark = out.buffer().writerIndex();
        try {
            Execution execution = spec.parser().parse(new Args(argv));
            execution.run(new CommandContext(hub, session), out);
        } catch (CommandError e) {
            failed = true;
            out.error(e.getMessage());
        } catch (StorageException e) {
            failed = true;
            out.buffer().writerIndex(mark);
            LOG.error("storage fault in {}", spec.name(), e);
            out.error("ERR storage error: " + e.getMessage());
        } catch (RuntimeException e) {
            failed = true;
            out.buffer().writerIndex(mark);
            LOG.error("bug: {} failed", spec.name(), e);
            out.error("ERR internal error: " + e);
        }
        hub.stats().record(spec.name(), (System.nanoTime() - start) / 1000, failed);
    }
}
