package dev.tabby.ipam;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;

/**
 * One address handed out: where it lives and the sequence number that identifies this very allocation. Keep the
 * sequence number to release it later ({@link #toRelease()}): should the address have been released and given to
 * someone else meanwhile, the release is refused instead of taking it from the new owner.
 */
public record AssignedAddress(IpAddress address, Cidr block, String handle, long sequenceNumber) {

    public ReleaseRequest toRelease() {
        return new ReleaseRequest(address, handle, sequenceNumber);
    }

    @Override
    public String toString() {
        return address + " (block " + block + ", handle " + handle + ", sequence " + sequenceNumber + ")";
    }
}
