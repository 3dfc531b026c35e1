package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniError;
import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.DatastoreUnavailableException;
import dev.tabby.ipam.IpamException;
import dev.tabby.netlink.NetlinkException;
import org.jboss.logging.Logger;

/** Turns whatever a step threw into the CNI error the runtime sees. */
final class Failures {
    private static final Logger LOG = Logger.getLogger(Failures.class);

    private Failures() {
    }

    static CniError toCniError(Throwable t, String command) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CniError e) {
                return e;
            }
            if (c instanceof DatastoreUnavailableException e) {
                return new CniError(CniError.TRY_AGAIN_LATER, "etcd is unavailable: " + e.getMessage() + "; try " + command + " again later");
            }
        }
        if (t instanceof IpamException e) {
            return new CniError(CniError.IPAM_FAILURE, "IPAM: " + e.getMessage());
        }
        if (t instanceof DatastoreException e) {
            return new CniError(CniError.INTERNAL, "the datastore refused: " + e.getMessage());
        }
        if (t instanceof NetlinkException e) {
            return new CniError(CniError.INTERFACE_FAILURE, "the kernel refused: " + e.getMessage());
        }
        LOG.errorf(t, "event=cni_unexpected_failure command=%s", command);
        return new CniError(CniError.INTERNAL, command + " failed unexpectedly: " + t, "see the Tabby CNI daemon's log for the stack trace");
    }
}
