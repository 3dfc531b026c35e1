package dev.tabby.ipam;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;

/**
 * One address handed out and the handle it was given to. Release it with {@link #toRelease()}: should the address
 * have been released and given to another handle meanwhile, the release is refused instead of taking it from the
 * new owner.
 */
public record AssignedAddress(IpAddress address, Cidr block, String handle) {

    public ReleaseRequest toRelease() {
        return new ReleaseRequest(address, handle);
    }

    @Override
    public String toString() {
        return address + " (block " + block + ", handle " + handle + ")";
    }
}
