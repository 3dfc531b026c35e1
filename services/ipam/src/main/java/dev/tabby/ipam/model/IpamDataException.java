package dev.tabby.ipam.model;

/** A value in etcd that is not the IPAM record its key says it is; names the key and what is wrong. */
public final class IpamDataException extends RuntimeException {

    public IpamDataException(String key, String problem) {
        super("etcd key " + key + ": " + problem);
    }

    public IpamDataException(String key, String problem, Throwable cause) {
        super("etcd key " + key + ": " + problem, cause);
    }
}
