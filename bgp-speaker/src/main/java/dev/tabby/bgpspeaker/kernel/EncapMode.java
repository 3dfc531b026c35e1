package dev.tabby.bgpspeaker.kernel;

/**
 * An IP pool's {@code ipipMode} or {@code vxlanMode}. Read as libcalico-go's ippoolprocessor.go
 * (convertIPPoolV2ToV1) reads it for confd: Always and CrossSubnet are themselves, anything else (Never, absent, a
 * value v3.18 does not know) is no encapsulation.
 */
public enum EncapMode {
    NEVER,
    ALWAYS,
    CROSS_SUBNET;

    /** {@code "Always"}, {@code "CrossSubnet"}; anything else, null included, is {@link #NEVER}. */
    public static EncapMode of(String calicoValue) {
        if ("Always".equals(calicoValue)) {
            return ALWAYS;
        }
        if ("CrossSubnet".equals(calicoValue)) {
            return CROSS_SUBNET;
        }
        return NEVER;
    }

    public boolean enabled() {
        return this != NEVER;
    }
}
