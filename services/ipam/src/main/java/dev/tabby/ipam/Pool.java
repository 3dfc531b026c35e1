package dev.tabby.ipam;

import dev.tabby.ipam.model.Blocks;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.selector.Selector;
import dev.tabby.model.v3.IPPool;
import java.math.BigInteger;
import java.util.Map;

/** What IPAM needs from an IPPool resource: its network, block size, whether it is in use, which nodes it serves. */
public record Pool(String name, Cidr cidr, int blockSize, boolean disabled, Selector nodeSelector) {

    /** Reads a stored IPPool; missing fields take Calico's defaults (block size /26 or /122, all nodes, enabled). */
    public static Pool from(IPPool p) {
        Cidr cidr = Cidr.parse(p.spec().cidr()).network();
        int blockSize = p.spec().blockSize() != null ? p.spec().blockSize() : Blocks.defaultBlockSize(cidr.version());
        String selector = p.spec().nodeSelector();
        return new Pool(p.name(), cidr, blockSize, Boolean.TRUE.equals(p.spec().disabled()),
                selector == null || selector.isBlank() ? Selector.ALL : Selector.parse(selector));
    }

    public int version() {
        return cidr.version();
    }

    public BigInteger blockCount() {
        return Blocks.blockCount(cidr, blockSize);
    }

    public BigInteger addressCount() {
        return BigInteger.ONE.shiftLeft(cidr.address().bitLength() - cidr.prefixLength());
    }

    /**
     * Whether the pool serves a node with these labels. A node without a Node resource ({@code labels} null) is
     * served only by pools that select all nodes.
     */
    public boolean selects(Map<String, String> labels) {
        return labels == null ? nodeSelector.equals(Selector.ALL) : nodeSelector.matches(labels);
    }

    /** How an operator tells pools apart in a message: {@code 10.0.0.0/16} plus why it is out, if it is. */
    String describe() {
        return cidr + (disabled ? " (disabled)" : "");
    }
}
