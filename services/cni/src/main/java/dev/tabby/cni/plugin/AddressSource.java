package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniEnv;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.model.net.Cidr;
import java.util.List;
import java.util.function.Supplier;

/** Where a workload's addresses come from: Tabby's IPAM in this process, or an IPAM plugin run from CNI_PATH. */
interface AddressSource {

    /**
     * The workload's addresses as host prefixes (/32, /128). A repeated ADD gets the addresses it already holds.
     *
     * @param pools read lazily: only a fresh assignment needs them
     */
    Lease acquire(Workload w, NetConf conf, CniEnv env, Supplier<PoolView> pools);

    /** Gives back everything the workload holds; nothing when it holds nothing. */
    void release(Workload w, NetConf conf, CniEnv env);

    /**
     * @param addresses  host prefixes (/32, /128), as the workload's interface and routes use them
     * @param asAssigned the same addresses with the prefix length of their block (calico-ipam's IPAM result), or as
     *                   the delegated IPAM plugin gave them
     * @param fresh      true when this call assigned them (so a failed ADD must give them back)
     */
    record Lease(List<Cidr> addresses, List<Cidr> asAssigned, boolean fresh) {
        public Lease {
            addresses = List.copyOf(addresses);
            asAssigned = List.copyOf(asAssigned);
        }
    }
}
