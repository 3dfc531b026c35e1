package dev.tabby.ipam;

import dev.tabby.model.net.IpAddress;

/** A specific address was asked for, and someone holds it already. */
public final class AddressInUseException extends IpamException {
    private final IpAddress address;

    public AddressInUseException(IpAddress address, String holder) {
        super(address + " is already allocated" + (holder == null ? "" : " to handle " + holder)
                + "; release it first or ask for another address");
        this.address = address;
    }

    public IpAddress address() {
        return address;
    }
}
