package dev.tabby.probe.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SocketTableTest {
    @Test
    void addressesAreDecodedFromTheKernelsWordOrder() {
        assertEquals("127.0.0.1", SocketTable.address("0100007F"));
        assertEquals("10.1.2.3", SocketTable.address("0302010A"));
        assertEquals("[0:0:0:0:0:0:0:1]", SocketTable.address("00000000000000000000000001000000"));
        assertEquals("[fe80:0:0:0:0:0:0:1]", SocketTable.address("000080FE000000000000000001000000"));
    }

    @Test
    void linesAreParsed() {
        SocketTable.Socket s = SocketTable.parse("tcp",
                "   3: 0100007F:00B3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0")
                .orElseThrow();
        assertEquals(179, s.port());
        assertEquals(0x0A, s.state());
        assertEquals(4242, s.inode());
        assertEquals("127.0.0.1", s.address());
        assertTrue(SocketTable.parse("tcp", "  sl  local_address rem_address   st tx_queue").isEmpty());
        assertTrue(SocketTable.parse("tcp", "0: nonsense here and there 1 2 3 4 5 6 7").isEmpty());
    }
}
