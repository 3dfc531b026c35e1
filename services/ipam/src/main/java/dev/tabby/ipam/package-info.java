/**
 * Calico-compatible IP address management over etcd v3.
 *
 * <p>{@link dev.tabby.ipam.Ipam} is the facade: automatic assignment for a node (its own blocks first, then a newly
 * claimed block, then, unless {@code strictAffinity}, an address borrowed from another node's block), assignment of
 * a given address, release by address (optionally guarded by handle) or by handle, block
 * affinity claims and releases, and node tunnel addresses. Behind it, one class per job: {@code IpamStore} (reads and
 * compare-and-swap transactions), {@code Assigner}, {@code BlockClaimer} (the pending/confirmed affinity protocol),
 * {@code AddressReleaser}, {@code PoolResolver} (enabled pools and nodeSelectors), {@code FreeBlockFinder} and
 * {@code Retry} (bounded attempts with jitter).
 *
 * <p>Records live where libcalico-go's etcdv3 backend keeps them, with the same JSON (see
 * {@link dev.tabby.ipam.model.IpamKeys} and {@link dev.tabby.ipam.model.IpamJson}):
 * <pre>
 * /calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26      AllocationBlock
 * /calico/ipam/v2/handle/k8s-pod-network.&lt;container&gt;     IPAMHandle
 * /calico/ipam/v2/host/&lt;node&gt;/ipv4/block/10.0.0.0-26     BlockAffinity
 * /calico/ipam/v2/config                                 IPAMConfig
 * </pre>
 * Handles as Calico names them: the CNI plugin uses {@code k8s-pod-network.<container id>}; calico/node allocates
 * tunnel addresses under {@code ipip-tunnel-addr-<node>}, {@code vxlan-tunnel-addr-<node>} and
 * {@code wireguard-tunnel-addr-<node>} ({@link dev.tabby.ipam.TunnelAddressType}).
 *
 * <p>Unlike libcalico-go, which writes a handle and then its block as two steps, every allocation and release here
 * writes the block and the handles it changes in one etcd transaction, so a crash can never leave them disagreeing.
 * {@link dev.tabby.ipam.IpamChecker} reports what a crash can still leave: an address allocated whose owner (a
 * WorkloadEndpoint, or a Node's tunnel address) was never written.
 */
package dev.tabby.ipam;
