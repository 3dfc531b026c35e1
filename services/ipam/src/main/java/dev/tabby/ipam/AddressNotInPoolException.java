package dev.tabby.ipam;

/** A specific address was asked for that no enabled IP pool holds. */
public final class AddressNotInPoolException extends IpamException {

    public AddressNotInPoolException(String message) {
        super(message);
    }
}
