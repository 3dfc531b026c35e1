package dev.tabby.ctl.commands;

import java.util.ArrayList;
import java.util.List;
import dev.tabby.ctl.output.BoxTable;

/** The peer table of {@code node status} (calicoctl/commands/node/status.go printPeers), drawn as calicoctl draws it. */
final class NodeStatusTable {
    static final List<String> HEADERS = List.of("Peer address", "Peer type", "State", "Since", "Info");

    private NodeStatusTable() {
    }

    static String render(List<NodeStatusReport.Peer> peers) {
        List<List<String>> rows = new ArrayList<>();
        for (NodeStatusReport.Peer p : peers) {
            String info = text(p.bgpState());
            if (!text(p.info()).isEmpty()) {
                info += " " + p.info();
            }
            rows.add(List.of(text(p.peerAddress()), text(p.peerType()), text(p.state()), text(p.since()), info));
        }
        return BoxTable.render(HEADERS, rows);
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }
}
