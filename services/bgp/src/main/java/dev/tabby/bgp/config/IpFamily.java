package dev.tabby.bgp.config;

/** Address family of a session: BIRD (bird.cfg) for V4, BIRD6 (bird6.cfg) for V6 in Calico v3.18. */
public enum IpFamily {
    V4, V6;

    static IpFamily of(String address) {
        return address.indexOf(':') >= 0 ? V6 : V4;
    }
}
