package dev.tabby.ipam;

import dev.tabby.model.net.IpAddress;

/**
 * An address to release. {@code handle} is an optional guard: when given, the release happens only if the address
 * still belongs to that handle.
 */
public record ReleaseRequest(IpAddress address, String handle) {

    public ReleaseRequest {
        if (address == null) {
            throw new IllegalArgumentException("a release needs an address");
        }
    }

    /** Release whoever holds it. */
    public static ReleaseRequest of(IpAddress address) {
        return new ReleaseRequest(address, null);
    }

    public static ReleaseRequest of(String address) {
        return of(IpAddress.parse(address));
    }
}
