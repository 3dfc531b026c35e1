package dev.tabby.bgp.session;

import static dev.tabby.bgp.session.Sessions.in;
import static dev.tabby.bgp.session.Sessions.peerOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.tabby.bgp.session.SessionAction.CloseConnection;
import dev.tabby.bgp.session.SessionAction.DropConnection;
import dev.tabby.bgp.session.SessionAction.Send;
import dev.tabby.bgp.session.SessionAction.SessionDown;
import dev.tabby.bgp.session.SessionEvent.DecodeError;
import dev.tabby.bgp.session.SessionEvent.KeepaliveReceived;
import dev.tabby.bgp.session.SessionEvent.OpenReceived;
import dev.tabby.bgp.session.SessionEvent.UpdateReceived;
import dev.tabby.bgp.wire.BgpDecodeException;
import dev.tabby.bgp.wire.BgpFraming;
import dev.tabby.bgp.wire.Negotiated;
import dev.tabby.bgp.wire.Notification;
import dev.tabby.bgp.wire.Update;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FSM Errors with the RFC 6608 subcodes, and codec errors in every state (RFC 4271 sections 6 and 8.2.2). */
class FsmErrorTest {
    private static final Update EMPTY_UPDATE = Update.of(List.of(), List.of(), List.of());

    private static Notification sentBy(List<SessionAction> actions) {
        return (Notification) ((Send) actions.get(0)).message();
    }

    /** RFC 6608 section 3: subcode 1 OpenSent, 2 OpenConfirm, 3 Established. */
    @Test
    void unexpectedMessagesCarryTheStateSubcode() {
        assertEquals(new Notification(5, 1, null), sentBy(in(SessionState.OPEN_SENT)
                .handle(new KeepaliveReceived())));
        assertEquals(new Notification(5, 1, null), sentBy(in(SessionState.OPEN_SENT)
                .handle(new UpdateReceived(EMPTY_UPDATE))));
        assertEquals(new Notification(5, 2, null), sentBy(in(SessionState.OPEN_CONFIRM)
                .handle(new UpdateReceived(EMPTY_UPDATE))));
        assertEquals(new Notification(5, 2, null), sentBy(in(SessionState.OPEN_CONFIRM)
                .handle(new OpenReceived(peerOpen(90)))));
        assertEquals(new Notification(5, 3, null), sentBy(in(SessionState.ESTABLISHED)
                .handle(new OpenReceived(peerOpen(90)))));
    }

    @Test
    void fsmErrorClosesAndGoesIdle() {
        SessionFsm fsm = in(SessionState.ESTABLISHED);
        List<SessionAction> actions = fsm.handle(new OpenReceived(peerOpen(90)));
        assertEquals(new CloseConnection(), actions.get(1));
        assertEquals(new SessionDown("unexpected OpenReceived in ESTABLISHED", true),
                actions.get(actions.size() - 1));
        assertEquals(SessionState.IDLE, fsm.state());
        assertEquals(1, fsm.connectRetryCounter());
    }

    /** Before any connection: an UPDATE in Connect or Active is dropped without an FSM Error (8.2.2). */
    @Test
    void messageBeforeOpenSentDropsTheConnection() {
        for (SessionState s : List.of(SessionState.CONNECT, SessionState.ACTIVE)) {
            SessionFsm fsm = in(s);
            List<SessionAction> actions = fsm.handle(new UpdateReceived(EMPTY_UPDATE));
            assertEquals(new DropConnection(), actions.get(0), s.toString());
            assertEquals(SessionState.IDLE, fsm.state(), s.toString());
        }
    }

    /** A real codec refusal: a header whose marker is not all ones (RFC 4271 section 6.1, 1/1). */
    private static BgpDecodeException codecError() {
        ByteBuf bad = Unpooled.buffer();
        bad.writeZero(16);
        bad.writeShort(19);
        bad.writeByte(4);
        try {
            BgpFraming.decode(bad, Negotiated.BEFORE_OPEN);
            throw new AssertionError("the codec accepted a zero marker");
        } catch (BgpDecodeException e) {
            return e;
        } finally {
            bad.release();
        }
    }

    @Test
    void decodeErrorInEachConnectedStateSendsTheCodecNotification() {
        BgpDecodeException e = codecError();
        Notification expected = Notification.of(e);
        assertEquals(Notification.MESSAGE_HEADER_ERROR, expected.code());
        for (SessionState s : List.of(SessionState.CONNECT, SessionState.ACTIVE, SessionState.OPEN_SENT,
                SessionState.OPEN_CONFIRM, SessionState.ESTABLISHED)) {
            SessionFsm fsm = in(s);
            List<SessionAction> actions = fsm.handle(new DecodeError(e));
            assertEquals(new Send(expected), actions.get(0), s.toString());
            assertEquals(new CloseConnection(), actions.get(1), s.toString());
            SessionDown down = assertInstanceOf(SessionDown.class, actions.get(actions.size() - 1), s.toString());
            assertEquals(s == SessionState.ESTABLISHED, down.wasEstablished(), s.toString());
            assertEquals(SessionState.IDLE, fsm.state(), s.toString());
        }
    }

    @Test
    void decodeErrorKeepsTheCodecSubcodeAndData() {
        BgpDecodeException e = new BgpDecodeException(3, 11, new byte[] {1, 2}, "malformed AS_PATH");
        List<SessionAction> actions = in(SessionState.ESTABLISHED).handle(new DecodeError(e));
        assertEquals(new Notification(3, 11, new byte[] {1, 2}), sentBy(actions));
    }

    /** Idle has no connection: nothing to send, nothing to do. */
    @Test
    void decodeErrorInIdleIsIgnored() {
        SessionFsm fsm = in(SessionState.IDLE);
        assertEquals(List.of(), fsm.handle(new DecodeError(codecError())));
        assertEquals(SessionState.IDLE, fsm.state());
    }
}
