package dev.tabby.model.v3;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.validation.Problems;
import java.util.List;

/** A range of workload addresses, carved into blocks that nodes claim; also says how traffic leaves it. */
public record IPPool(ObjectMeta metadata, Spec spec) implements Resource {

    public static final List<String> ENCAP_MODES = List.of("Always", "CrossSubnet", "Never");

    public record Spec(
            String cidr,
            String vxlanMode,
            String ipipMode,
            Boolean natOutgoing,
            Boolean disabled,
            Integer blockSize,
            String nodeSelector,
            IPIPConfiguration ipip,
            @JsonProperty("nat-outgoing") Boolean natOutgoingV1) {

        /** The fields Tabby writes; v3.18's read-only APIv1 fields (ipip, nat-outgoing) left out. */
        public Spec(String cidr, String vxlanMode, String ipipMode, Boolean natOutgoing, Boolean disabled,
                    Integer blockSize, String nodeSelector) {
            this(cidr, vxlanMode, ipipMode, natOutgoing, disabled, blockSize, nodeSelector, null, null);
        }
    }

    /**
     * APIv1's IP-in-IP settings (libcalico-go lib/apis/v1 IPIPConfiguration), which v3.18's IPPoolSpec still carries
     * as a read-only field that must be absent ({@code mustBeNil}); likewise {@code nat-outgoing} must be false.
     */
    public record IPIPConfiguration(Boolean enabled, String mode) {
    }

    /**
     * The ranges Calico v3.18 refuses a pool in (libcalico-go lib/validator/v3/validator.go validateIPPoolSpec): only
     * the link-local ones. Loopback and multicast pools are accepted, as Calico accepts them.
     */
    private static final Cidr V4_LINK_LOCAL = Cidr.parse("169.254.0.0/16");
    private static final Cidr V6_LINK_LOCAL = Cidr.parse("fe80::/10");

    @Override
    public IPPool withMetadata(ObjectMeta m) {
        return new IPPool(m, spec);
    }

    @Override
    public IPPool validated(Problems p) {
        if (spec == null) {
            p.error("is required: an IPPool needs at least spec.cidr");
            return this;
        }
        String cidr = spec.cidr;
        if (cidr == null || cidr.isEmpty()) {
            p.at("cidr").error("is required (Calico: IPPool CIDR must be specified)");
        } else {
            try {
                cidr = Check.normalised(p.at("cidr"), cidr, Cidr.parse(cidr));
            } catch (IllegalArgumentException e) {
                p.at("cidr").error(e.getMessage() + " (Calico: IPPool CIDR must be a valid subnet)");
            }
        }
        Cidr pool = p.at("cidr").hasErrors() ? null : Cidr.parse(cidr);
        int version = pool == null ? 0 : pool.version();

        Integer blockSize = spec.blockSize;
        if (blockSize == null && pool != null) {
            blockSize = pool.isV4() ? 26 : 122;
        }
        if (pool != null) {
            checkPool(p, pool, blockSize, Boolean.TRUE.equals(spec.disabled));
        }

        Check.oneOf(p.at("vxlanMode"), spec.vxlanMode, ENCAP_MODES, "vxlanMode");
        Check.oneOf(p.at("ipipMode"), spec.ipipMode, ENCAP_MODES, "ipIpMode");
        String vxlan = spec.vxlanMode == null ? "Never" : spec.vxlanMode;
        String ipip = spec.ipipMode == null ? "Never" : spec.ipipMode;
        if (!vxlan.equals("Never") && !ipip.equals("Never")) {
            p.error("ipipMode " + ipip + " and vxlanMode " + vxlan
                    + " are both enabled; a pool uses one encapsulation: set the other to Never (Calico: IPIPMode and"
                    + " VXLANMode cannot both be enabled on the same IP pool)");
        }
        if (version == 6 && !ipip.equals("Never")) {
            p.at("ipipMode").error(ipip + " is not allowed on an IPv6 pool; IP-in-IP carries IPv4 only: use Never"
                    + " (Calico: IPIPMode other than 'Never' is not supported on an IPv6 IP pool)");
        }
        if (version == 6 && !vxlan.equals("Never")) {
            p.at("vxlanMode").error(vxlan + " is not allowed on an IPv6 pool in Calico v3.18: use Never (Calico:"
                    + " VXLANMode other than 'Never' is not supported on an IPv6 IP pool)");
        }

        // ipPool.go: IPIP "mustBeNil", NATOutgoingV1 "mustBeFalse" (validator_test.go "should reject a non-nil IPIP
        // field", "should reject NATOutgoingV1 field set to true").
        if (spec.ipip != null) {
            p.at("ipip").error("is the APIv1 field and may not be set; use ipipMode (Calico: failed to validate field"
                    + " because of tag: mustBeNil)");
        }
        if (Boolean.TRUE.equals(spec.natOutgoingV1)) {
            p.at("nat-outgoing").error("is the APIv1 field and may not be true; use natOutgoing (Calico: failed to"
                    + " validate field because of tag: mustBeFalse)");
        }
        String nodeSelector = spec.nodeSelector == null || spec.nodeSelector.isBlank() ? "all()" : spec.nodeSelector;
        Check.selector(p.at("nodeSelector"), nodeSelector);
        return new IPPool(metadata, new Spec(cidr, vxlan, ipip,
                spec.natOutgoing == null ? Boolean.FALSE : spec.natOutgoing,
                spec.disabled == null ? Boolean.FALSE : spec.disabled,
                blockSize, nodeSelector));
    }

    private static void checkPool(Problems p, Cidr pool, Integer blockSize, boolean disabled) {
        Cidr linkLocal = pool.isV4() ? V4_LINK_LOCAL : V6_LINK_LOCAL;
        if (linkLocal.overlaps(pool)) {
            p.at("cidr").error(pool + ": IPPool CIDR overlaps with IPv" + pool.version() + " Link Local range " + linkLocal);
        }
        // The range is clientv3/ippool.go's (the validator itself has none).
        int min = pool.isV4() ? 20 : 116;
        int max = pool.isV4() ? 32 : 128;
        if (blockSize < min || blockSize > max) {
            // The words are Calico's (clientv3/ippool.go "IPv4 block size must be between 20 and 32") in short form;
            // tabbyctl's tests and README quote them as they are.
            p.at("blockSize").error(blockSize + " is not allowed; IPv" + pool.version() + " block size must be "
                    + min + ".." + max);
        } else if (blockSize < pool.prefixLength() && !disabled) {
            // Checked only for an enabled pool, as validator.go does: a disabled pool hands out no blocks.
            p.at("blockSize").error("/" + blockSize + " blocks do not fit in the /" + pool.prefixLength()
                    + " pool; use a block size of at least " + pool.prefixLength() + " (Calico: IP pool size is too"
                    + " small for use with Calico IPAM)");
        }
    }
}
