package dev.tabby.netlink.nflog;

/**
 * How the kernel hands logged packets to an {@link NflogSocket}.
 *
 * @param copyRange      bytes of each packet copied (NFULA_CFG_MODE copy_range): enough for the IP and transport
 *                       headers, which are all flow logs read
 * @param flushMillis    the longest a logged packet waits in the kernel for others to share its datagram
 *                       (NFULA_CFG_TIMEOUT, kept by the kernel in 1/100 s)
 * @param queueThreshold packets per datagram at most (NFULA_CFG_QTHRESH); the kernel also sends when the datagram
 *                       buffer fills
 * @param batchBytes     the kernel's datagram buffer (NFULA_CFG_NLBUFSIZ); must fit the socket's 64 KiB read buffer,
 *                       with room for one packet that the kernel sends alone when it does not fit
 * @param receiveBuffer  SO_RCVBUF asked for: room for bursts while the reader is busy
 */
public record NflogSettings(int copyRange, int flushMillis, int queueThreshold, int batchBytes, int receiveBuffer) {
    /** Headers only, flushed within 100 ms, up to 100 packets per datagram, 4 MiB of queue. */
    public static final NflogSettings DEFAULT = new NflogSettings(128, 100, 100, 32 * 1024, 4 * 1024 * 1024);

    public NflogSettings {
        if (copyRange < 60 || copyRange > 4096) {
            // 60: an IPv6 header, one extension header and the ports, below which most packets would lose their ports;
            // 4096: flow logs read headers only, and one copied packet must fit the socket's read buffer
            throw new IllegalArgumentException("NFLOG copy range " + copyRange + " is out of range; use 60..4096 bytes");
        }
        if (flushMillis < 10 || flushMillis > 60_000) {
            throw new IllegalArgumentException("NFLOG flush interval " + flushMillis + " ms is out of range; use 10..60000 ms");
        }
        if (queueThreshold < 1) {
            throw new IllegalArgumentException("NFLOG queue threshold " + queueThreshold + " must be at least 1");
        }
        if (batchBytes < 4096 || batchBytes > 48 * 1024) {
            throw new IllegalArgumentException("NFLOG batch size " + batchBytes + " is out of range; use 4096..49152 bytes");
        }
        if (receiveBuffer < 0) {
            throw new IllegalArgumentException("receive buffer " + receiveBuffer + " must be 0 (kernel default) or more");
        }
    }

    public NflogSettings withReceiveBuffer(int bytes) {
        return new NflogSettings(copyRange, flushMillis, queueThreshold, batchBytes, bytes);
    }
}
