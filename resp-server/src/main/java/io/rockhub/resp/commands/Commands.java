package io.rockhub.resp.commands;

import io.rockhub.resp.command.CommandTable;

/** The complete command table: one registration per family. */
public final class Commands {
    private Commands() {
    }

    public static CommandTable table() {
        CommandTable t = new CommandTable();
        ConnectionCommands.register(t);
        ServerCommands.register(t);
        CommandCommand.register(t);
        KeyCommands.register(t);
        StringCommands.register(t);
        LcsCommand.register(t);
        BitmapCommands.register(t);
        HyperLogLogCommands.register(t);
        GeoCommands.register(t);
        SortCommand.register(t);
        DumpCommands.register(t);
        LatencyCommands.register(t);
        MemoryCommands.register(t);
        HashCommands.register(t);
        SetCommands.register(t);
        ZSetCommands.register(t);
        ZSetAlgebraCommands.register(t);
        ListCommands.register(t);
        BlockingCommands.register(t);
        StreamCommands.register(t);
        StreamGroupCommands.register(t);
        StreamInfoCommands.register(t);
        DeadLetterCommand.register(t);
        ReplicationCommands.register(t);
        BackupCommands.register(t);
        SlowLogCommands.register(t);
        TransactionCommands.register(t);
        io.rockhub.resp.pubsub.PubSubCommands.register(t);
        io.rockhub.resp.scripting.ScriptCommands.register(t);
        io.rockhub.resp.scripting.FunctionCommands.register(t);
        io.rockhub.resp.acl.AclCommands.register(t);
        io.rockhub.resp.cluster.ClusterCommands.register(t);
        return t;
    }
}
