package dev.tabby.ipam;

/**
 * One inconsistency {@link IpamChecker} found. {@code detail} is the line an operator reads; the other fields say
 * what it concerns (null where they do not apply), for scripts working from the JSON report.
 */
public record Finding(Kind kind, String address, String block, String handle, String node, String detail) {

    public enum Kind {
        /** Allocated in IPAM, but no workload endpoint or node tunnel address uses it: a leaked address. */
        LEAKED_ADDRESS,
        /** A workload endpoint or node uses an address of an enabled pool that IPAM has not allocated. */
        UNALLOCATED_ADDRESS_IN_USE,
        /** An allocation names a handle that does not exist or does not count it: release by handle would miss it. */
        ALLOCATION_WITHOUT_HANDLE,
        /** A handle counts addresses in a block that the block does not hold for it. */
        HANDLE_WITHOUT_ALLOCATION,
        /** A block, or a host affinity, names a node that has no Node resource. */
        AFFINITY_TO_MISSING_NODE,
        /** An IPAM record or owning resource that does not decode. */
        UNREADABLE
    }

    @Override
    public String toString() {
        return detail;
    }
}
