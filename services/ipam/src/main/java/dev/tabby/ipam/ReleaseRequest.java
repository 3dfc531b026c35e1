package dev.tabby.ipam;

import dev.tabby.model.net.IpAddress;

/**
 * An address to release. {@code handle} and {@code sequenceNumber} are optional guards: when given, the release
 * happens only if the address still belongs to that handle and to that very allocation.
 */
public record ReleaseRequest(IpAddress address, String handle, Long sequenceNumber) {

    public ReleaseRequest {
        if (address == null) {
            throw new IllegalArgumentException("a release needs an address");
        }
    }

    /** Release whoever holds it. */
    public static ReleaseRequest of(IpAddress address) {
        return new ReleaseRequest(address, null, null);
    }

    public static ReleaseRequest of(String address) {
        return of(IpAddress.parse(address));
    }
}
