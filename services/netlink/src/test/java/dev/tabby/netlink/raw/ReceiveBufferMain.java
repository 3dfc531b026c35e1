package dev.tabby.netlink.raw;

/**
 * Run in a child JVM by {@link ReceiveBufferTest}, under setpriv without CAP_NET_ADMIN: opens a request socket asking
 * for {@code args[0]} bytes of receive buffer and prints what it got, one key=value line.
 */
public final class ReceiveBufferMain {
    private ReceiveBufferMain() {
    }

    public static void main(String[] args) throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open(0, Integer.parseInt(args[0]))) {
            ReceiveBuffer b = socket.receiveBuffer();
            System.out.printf("asked=%d effective=%d forced=%b refused=%b%n", b.asked(), b.effective(), b.forced(), b.refused());
        }
    }
}
