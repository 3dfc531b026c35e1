package dev.tabby.netlink;

import dev.tabby.model.net.Cidr;

/** Shared set-up: a veth pair tv0/tv1, both up, tv0 with 10.0.0.1/24 and fd00::1/64 (no DAD, so usable at once). */
final class Fixtures {
    static final int NODAD = 0x02;

    private Fixtures() {
    }

    static Link vethPair(Netlink nl) {
        Link tv0 = nl.linkAdd(new Link.Veth(LinkAttrs.named("tv0"), "tv1", null));
        nl.linkSetUp("tv0");
        nl.linkSetUp("tv1");
        nl.addrAdd(Addr.of(tv0.index(), Cidr.parse("10.0.0.1/24")));
        nl.addrAdd(new Addr(tv0.index(), Cidr.parse("fd00::1/64"), Scope.UNIVERSE, NODAD, null));
        return nl.linkByName("tv0").orElseThrow();
    }
}
