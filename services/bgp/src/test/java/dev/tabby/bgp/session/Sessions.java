package dev.tabby.bgp.session;

import dev.tabby.bgp.session.SessionEvent.KeepaliveReceived;
import dev.tabby.bgp.session.SessionEvent.ManualStart;
import dev.tabby.bgp.session.SessionEvent.OpenReceived;
import dev.tabby.bgp.session.SessionEvent.TcpCrAcked;
import dev.tabby.bgp.wire.Open;
import java.util.List;

/** Fixtures: a local speaker in AS 65001 (10.0.0.1) and its peer in AS 65002 (10.0.0.2). */
final class Sessions {
    static final long LOCAL_AS = 65001;
    static final long PEER_AS = 65002;
    static final int LOCAL_ID = 0x0A000001;
    static final int PEER_ID = 0x0A000002;

    private Sessions() {
    }

    static SessionConfig config(int holdTime) {
        return new SessionConfig(LOCAL_AS, LOCAL_ID, holdTime, List.of(), PEER_AS,
                SessionConfig.DEFAULT_CONNECT_RETRY);
    }

    static Open peerOpen(int holdTime) {
        return Open.of(PEER_AS, holdTime, PEER_ID, List.of());
    }

    /** A session driven to the state by the shortest path of RFC 4271 section 8.2.2, hold 90 both sides. */
    static SessionFsm in(SessionState state) {
        SessionFsm fsm = new SessionFsm(config(90));
        if (state == SessionState.IDLE) {
            return fsm;
        }
        fsm.handle(new ManualStart(state == SessionState.ACTIVE));
        if (state == SessionState.CONNECT || state == SessionState.ACTIVE) {
            return fsm;
        }
        fsm.handle(new TcpCrAcked());
        if (state == SessionState.OPEN_SENT) {
            return fsm;
        }
        fsm.handle(new OpenReceived(peerOpen(90)));
        if (state == SessionState.OPEN_CONFIRM) {
            return fsm;
        }
        fsm.handle(new KeepaliveReceived());
        return fsm;
    }
}
