package dev.tabby.renderer.manager;

import dev.tabby.dataplane.ipset.IpsetDriver;
import dev.tabby.dataplane.iptables.CommandRunner;
import dev.tabby.dataplane.iptables.IptablesBackend;
import dev.tabby.renderer.state.TableKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The kernel reads an apply needs before it writes (the iptables backend on the first apply, {@code ipset save} and
 * one {@code iptables-save -t} per table after a resync) do not depend on the calculation, so they run on a thread of
 * their own while the calculation runs on the loop thread: on a node's first apply that hides a few hundred
 * milliseconds of process starts. Only commands run here; the drivers adopt the output on the loop thread.
 *
 * @param backend the backend chosen (detected, or the setting)
 * @param ipsets  {@code ipset save}'s result, or null when the sets were not due for a read
 * @param tables  each due table's {@code iptables-save -t} result
 */
record KernelReadAhead(IptablesBackend backend, CommandRunner.Result ipsets, Map<TableKey, CommandRunner.Result> tables) {
    private static final Executor READER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tabby-policy-read-ahead");
        t.setDaemon(true);
        return t;
    });

    /**
     * Starts the reads.
     *
     * @param known          the backend already chosen, or null to choose it from {@code backendSetting}
     * @param readIpsets     whether the sets are due for a read
     * @param tablesToRead   the tables due for a read; on the first apply (backend unknown) the IPv4 tables
     */
    static CompletableFuture<KernelReadAhead> start(CommandRunner runner, IptablesBackend known, String backendSetting,
                                                    boolean readIpsets, Set<TableKey> tablesToRead) {
        return CompletableFuture.supplyAsync(() -> {
            IptablesBackend backend = known != null ? known : IptablesBackend.select(backendSetting, runner);
            CommandRunner.Result sets = readIpsets ? run(runner, IpsetDriver.READ_COMMAND) : null;
            Map<TableKey, CommandRunner.Result> tables = new HashMap<>();
            for (TableKey t : tablesToRead) {
                tables.put(t, run(runner, List.of(backend.command(t.ipVersion(), "save"), "-t", t.table())));
            }
            return new KernelReadAhead(backend, sets, tables);
        }, READER);
    }

    static CommandRunner.Result run(CommandRunner runner, List<String> argv) {
        try {
            return runner.run(argv, "");
        } catch (IllegalStateException e) {
            return new CommandRunner.Result(-1, "", e.getMessage());
        }
    }

    /** The reads' results; a failure of the reader itself (an unknown backend setting) is thrown as it was. */
    static KernelReadAhead await(CompletableFuture<KernelReadAhead> reads) {
        try {
            return reads.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the kernel", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
