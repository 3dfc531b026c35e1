package dev.tabby.netlink;

import dev.tabby.model.net.Cidr;

/**
 * An address on a link, as {@code ip addr} shows it: {@code 10.0.0.1/24} keeps its host bits.
 *
 * @param scope {@link Scope} value; UNIVERSE for ordinary addresses
 * @param flags IFA_F_* flags (e.g. PERMANENT 0x80, NODAD 0x02)
 */
public record Addr(int linkIndex, Cidr address, int scope, int flags, String label) {

    public static Addr of(int linkIndex, Cidr address) {
        return new Addr(linkIndex, address, Scope.UNIVERSE, 0, null);
    }
}
