package dev.tabby.renderer.flows;

import dev.tabby.netlink.nflog.ConntrackEndView;
import dev.tabby.netlink.nflog.ConntrackEvents;
import dev.tabby.netlink.nflog.NflogSettings;
import dev.tabby.netlink.nflog.NflogSocket;
import dev.tabby.netlink.nflog.NflogView;
import java.nio.file.Path;
import java.util.Collection;
import java.util.function.Consumer;

/** The kernel's logged packets (nfnetlink_log) and connection ends (ctnetlink DESTROY) of the node's namespace. */
public final class KernelSources implements FlowLogs.Sources {
    private final Path netns;

    /** @param netns the namespace to read in ({@code /run/netns/NAME}), or null for this process's own */
    public KernelSources(Path netns) {
        this.netns = netns;
    }

    @Override
    public FlowSource<NflogView> verdicts(Collection<Integer> groups) {
        NflogSocket s = netns == null ? NflogSocket.open(groups, NflogSettings.DEFAULT)
                : NflogSocket.at(netns, groups, NflogSettings.DEFAULT);
        return new FlowSource<>() {
            @Override
            public void receive(Consumer<NflogView> sink) {
                s.receiveInPlace(sink);
            }

            @Override
            public long overruns() {
                return s.overruns();
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    @Override
    public FlowSource<ConntrackEndView> ends(ConntrackEvents.EndFilter wanted) {
        ConntrackEvents e = netns == null ? ConntrackEvents.open(ConntrackEvents.DEFAULT_RECEIVE_BUFFER)
                : ConntrackEvents.at(netns, ConntrackEvents.DEFAULT_RECEIVE_BUFFER);
        return new FlowSource<>() {
            @Override
            public void receive(Consumer<ConntrackEndView> sink) {
                e.receiveInPlace(wanted, sink);
            }

            @Override
            public long overruns() {
                return e.overruns();
            }

            @Override
            public void close() {
                e.close();
            }
        };
    }
}
