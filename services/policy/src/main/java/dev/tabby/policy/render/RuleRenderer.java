package dev.tabby.policy.render;

import dev.tabby.policy.render.ProtoRule.PortRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Policy and profile rules into iptables rules, a port of felix rules/policy.go (v3.18): same match order, same
 * splitting of port lists (15 multiport slots) and of several nets into mark-bit "match blocks", same actions
 * (Allow sets the accept mark and returns, Pass the pass mark and returns, Deny drops, Log logs with the prefix).
 */
public final class RuleRenderer {
    /** FelixConfiguration {@code logPrefix} default (felix config/config_params.go). */
    public static final String DEFAULT_LOG_PREFIX = "calico-packet";

    private final Marks marks;
    private final String logPrefix;
    /** Tabby's flow logs: an NFLOG rule before each allow and deny verdict; null while flow logs are off. */
    private final FlowLogRules flowLogs;

    public RuleRenderer(Marks marks, String logPrefix) {
        this(marks, logPrefix, null);
    }

    public RuleRenderer(Marks marks, String logPrefix, FlowLogRules flowLogs) {
        this.marks = marks;
        this.logPrefix = logPrefix;
        this.flowLogs = flowLogs;
    }

    /** felix PolicyToIptablesChains: {@code cali-pi-<name>} from the inbound rules, {@code cali-po-<name>} outbound. */
    public List<Chain> policyChains(String policyKeyName, List<ProtoRule> inbound, List<ProtoRule> outbound, int ipVersion) {
        return List.of(
                new Chain(ChainNames.policyChain(ChainNames.POLICY_INBOUND, policyKeyName),
                        rules(inbound, ipVersion, true, FlowPolicyNames.policy(policyKeyName))),
                new Chain(ChainNames.policyChain(ChainNames.POLICY_OUTBOUND, policyKeyName),
                        rules(outbound, ipVersion, false, FlowPolicyNames.policy(policyKeyName))));
    }

    /** felix ProfileToIptablesChains: {@code cali-pri-<name>} and {@code cali-pro-<name>}. */
    public List<Chain> profileChains(String profileName, List<ProtoRule> inbound, List<ProtoRule> outbound, int ipVersion) {
        return List.of(
                new Chain(ChainNames.profileChain(ChainNames.PROFILE_INBOUND, profileName),
                        rules(inbound, ipVersion, true, FlowPolicyNames.profile(profileName))),
                new Chain(ChainNames.profileChain(ChainNames.PROFILE_OUTBOUND, profileName),
                        rules(outbound, ipVersion, false, FlowPolicyNames.profile(profileName))));
    }

    /** A policy's or profile's rules for one direction; with flow logs on, each verdict logged under its index. */
    private List<IptRule> rules(List<ProtoRule> protoRules, int ipVersion, boolean ingress, String flowPolicyName) {
        List<IptRule> out = new ArrayList<>();
        for (int i = 0; i < protoRules.size(); i++) {
            out.addAll(rule(protoRules.get(i), ipVersion, flowLogs == null ? null : new Verdict(ingress, i, flowPolicyName)));
        }
        return out;
    }

    /** Which rule of which policy, for the flow-log prefix. */
    private record Verdict(boolean ingress, int index, String policyName) {
    }

    public List<IptRule> rules(List<ProtoRule> protoRules, int ipVersion) {
        List<IptRule> out = new ArrayList<>();
        for (ProtoRule r : protoRules) {
            out.addAll(rule(r, ipVersion));
        }
        return out;
    }

    /**
     * felix FilterRuleToIPVersion: null when the rule is for the other IP version, or when filtering its nets to
     * this version would empty a net match it has (the rule then cannot match this version at all).
     */
    static ProtoRule filterToIpVersion(ProtoRule rule, int ipVersion) {
        if (rule.ipVersion != null && rule.ipVersion != ipVersion) {
            return null;
        }
        ProtoRule copy = rule.copy();
        List<List<String>> lists = List.of(copy.srcNet, copy.notSrcNet, copy.dstNet, copy.notDstNet);
        for (List<String> nets : lists) {
            if (nets.isEmpty()) {
                continue;
            }
            nets.removeIf(n -> n.contains(":") != (ipVersion == 6));
            if (nets.isEmpty()) {
                return null;
            }
        }
        return copy;
    }

    /** felix ProtoRuleToIptablesRules. */
    public List<IptRule> rule(ProtoRule pRule, int ipVersion) {
        return rule(pRule, ipVersion, null);
    }

    /** felix ProtoRuleToIptablesRules, and with {@code verdict} the flow-log rule before an allow or a deny. */
    private List<IptRule> rule(ProtoRule pRule, int ipVersion, Verdict verdict) {
        ProtoRule rule = filterToIpVersion(pRule, ipVersion);
        if (rule == null) {
            return List.of();
        }
        MatchBlocks blocks = new MatchBlocks(marks.scratch0(), marks.scratch1());

        List<List<PortRange>> srcSplits = splitPortList(rule.srcPorts);
        if (srcSplits.size() + rule.srcNamedPortIpSetIds.size() > 1) {
            blocks.appendPortBlock(ipVersion, rule.protocol, srcSplits, rule.srcNamedPortIpSetIds, true);
            rule.srcPorts.clear();
            rule.srcNamedPortIpSetIds.clear();
        }
        List<List<PortRange>> dstSplits = splitPortList(rule.dstPorts);
        if (dstSplits.size() + rule.dstNamedPortIpSetIds.size() > 1) {
            blocks.appendPortBlock(ipVersion, rule.protocol, dstSplits, rule.dstNamedPortIpSetIds, false);
            rule.dstPorts.clear();
            rule.dstNamedPortIpSetIds.clear();
        }
        if (rule.srcNet.size() > 1) {
            blocks.appendCidrBlock(rule.srcNet, true);
            rule.srcNet.clear();
        }
        if (rule.dstNet.size() > 1) {
            blocks.appendCidrBlock(rule.dstNet, false);
            rule.dstNet.clear();
        }
        if (rule.srcNet.size() + rule.notSrcNet.size() > 1) {
            blocks.appendNegatedCidrBlock(rule.notSrcNet, true);
            rule.notSrcNet.clear();
        }
        if (rule.dstNet.size() + rule.notDstNet.size() > 1) {
            blocks.appendNegatedCidrBlock(rule.notDstNet, false);
            rule.notDstNet.clear();
        }

        Match match = ruleMatch(rule, ipVersion);
        if (blocks.usingBlocks) {
            match = match.markSingleBitSet(marks.scratch0());
        }

        List<IptRule> rs = new ArrayList<>(blocks.rules);
        int markBit = 0;
        List<String> actions;
        switch (rule.action == null ? "" : rule.action) {
            case "", "allow" -> {
                markBit = marks.accept();
                actions = List.of(Actions.RETURN);
            }
            case "next-tier", "pass" -> {
                markBit = marks.pass();
                actions = List.of(Actions.RETURN);
            }
            case "deny" -> actions = List.of(Actions.DROP);
            case "log" -> actions = List.of(Actions.log(logPrefix));
            default -> throw new IllegalArgumentException("rule action \"" + rule.action
                    + "\" is unknown; allowed: allow, deny, log, pass");
        }
        boolean allow = rule.action == null || rule.action.isEmpty() || rule.action.equals("allow");
        if (verdict != null && (allow || rule.action.equals("deny"))) {
            // Same match as the verdict, just before it: only packets that get this verdict are logged.
            rs.add(new IptRule(match.fragments(), flowLogs.action(verdict.ingress(),
                    VerdictPrefix.of(allow, verdict.index(), verdict.policyName()))));
        }
        if (markBit != 0) {
            // Two actions (mark, then return): match once, set the bit, then act on the bit.
            rs.add(new IptRule(match.fragments(), Actions.setMark(markBit)));
            match = Match.match().markSingleBitSet(markBit);
        }
        for (String action : actions) {
            rs.add(new IptRule(match.fragments(), action));
        }
        if (pRule.annotations.isEmpty()) {
            return rs;
        }
        List<String> comments = new ArrayList<>();
        for (Map.Entry<String, String> a : pRule.annotations.entrySet()) {
            comments.add(a.getKey() + "=" + a.getValue());
        }
        List<IptRule> commented = new ArrayList<>(rs.size());
        for (IptRule r : rs) {
            commented.add(new IptRule(r.match(), r.action(), comments));
        }
        return commented;
    }

    /** felix SplitPortList: groups of at most 15 multiport slots, a single port taking one slot and a range two. */
    public static List<List<PortRange>> splitPortList(List<PortRange> ports) {
        List<List<PortRange>> splits = new ArrayList<>();
        List<PortRange> split = new ArrayList<>();
        int slotsLeft = 15;
        for (PortRange p : ports) {
            int slots = p.first() == p.last() ? 1 : 2;
            if (slotsLeft < slots) {
                splits.add(split);
                split = new ArrayList<>();
                slotsLeft = 15;
            }
            split.add(p);
            slotsLeft -= slots;
        }
        if (!split.isEmpty()) {
            splits.add(split);
        }
        return splits;
    }

    private static Match appendProtocol(Match m, String protocol) {
        return protocol == null ? m : m.protocol(protocol);
    }

    /** felix CalculateRuleMatch: positive criteria first, then the negated ones. */
    Match ruleMatch(ProtoRule r, int ipVersion) {
        Match m = appendProtocol(Match.match(), r.protocol);
        if (r.srcNet.size() == 1) {
            m = m.sourceNet(r.srcNet.get(0));
        }
        for (String id : r.srcIpSetIds) {
            m = m.sourceIpSet(ChainNames.mainIpSet(ipVersion, id));
        }
        if (!r.srcPorts.isEmpty()) {
            m = m.sourcePortRanges(r.srcPorts);
        }
        for (String id : r.srcNamedPortIpSetIds) {
            m = m.sourceIpPortSet(ChainNames.mainIpSet(ipVersion, id));
        }
        if (r.dstNet.size() == 1) {
            m = m.destNet(r.dstNet.get(0));
        }
        for (String id : r.dstIpSetIds) {
            m = m.destIpSet(ChainNames.mainIpSet(ipVersion, id));
        }
        if (!r.dstPorts.isEmpty()) {
            m = m.destPortRanges(r.dstPorts);
        }
        for (String id : r.dstNamedPortIpSetIds) {
            m = m.destIpPortSet(ChainNames.mainIpSet(ipVersion, id));
        }
        if (r.icmpType != null) {
            if (ipVersion == 4) {
                m = r.icmpCode != null ? m.icmpTypeAndCode(r.icmpType, r.icmpCode) : m.icmpType(r.icmpType);
            } else {
                m = r.icmpCode != null ? m.icmpV6TypeAndCode(r.icmpType, r.icmpCode) : m.icmpV6Type(r.icmpType);
            }
        }

        if (r.notProtocol != null) {
            m = m.notProtocol(r.notProtocol);
        }
        if (r.notSrcNet.size() == 1) {
            m = m.notSourceNet(r.notSrcNet.get(0));
        }
        for (String id : r.notSrcIpSetIds) {
            m = m.notSourceIpSet(ChainNames.mainIpSet(ipVersion, id));
        }
        for (List<PortRange> split : splitPortList(r.notSrcPorts)) {
            m = m.notSourcePortRanges(split);
        }
        for (String id : r.notSrcNamedPortIpSetIds) {
            m = m.notSourceIpPortSet(ChainNames.mainIpSet(ipVersion, id));
        }
        if (r.notDstNet.size() == 1) {
            m = m.notDestNet(r.notDstNet.get(0));
        }
        for (String id : r.notDstIpSetIds) {
            m = m.notDestIpSet(ChainNames.mainIpSet(ipVersion, id));
        }
        for (List<PortRange> split : splitPortList(r.notDstPorts)) {
            m = m.notDestPortRanges(split);
        }
        for (String id : r.notDstNamedPortIpSetIds) {
            m = m.notDestIpPortSet(ChainNames.mainIpSet(ipVersion, id));
        }
        if (r.notIcmpType != null) {
            if (ipVersion == 4) {
                m = r.notIcmpCode != null ? m.notIcmpTypeAndCode(r.notIcmpType, r.notIcmpCode) : m.notIcmpType(r.notIcmpType);
            } else {
                m = r.notIcmpCode != null ? m.notIcmpV6TypeAndCode(r.notIcmpType, r.notIcmpCode) : m.notIcmpV6Type(r.notIcmpType);
            }
        }
        return m;
    }

    /**
     * felix matchBlockBuilder: where one rule cannot express an "or" (several nets, more than 15 ports, named ports
     * beside numeric ones), blocks of rules compute it into the scratch0 ("all blocks pass") mark bit, using scratch1
     * for every positive block after the first; negated blocks clear scratch0 on a match.
     */
    private static final class MatchBlocks {
        final int allBlocksPass;
        final int thisBlockPass;
        boolean usingBlocks;
        boolean doneFirstPositiveBlock;
        final List<IptRule> rules = new ArrayList<>();

        MatchBlocks(int allBlocksPass, int thisBlockPass) {
            this.allBlocksPass = allBlocksPass;
            this.thisBlockPass = thisBlockPass;
        }

        void appendPortBlock(int ipVersion, String protocol, List<List<PortRange>> splits, List<String> namedPortSetIds,
                             boolean src) {
            maybeAppendInitialRule(0);
            int markToSet = positiveBlockMarkToSet();
            for (List<PortRange> split : splits) {
                Match m = appendProtocol(Match.match(), protocol);
                m = src ? m.sourcePortRanges(split) : m.destPortRanges(split);
                rules.add(new IptRule(m.fragments(), Actions.setMark(markToSet)));
            }
            for (String id : namedPortSetIds) {
                String name = ChainNames.mainIpSet(ipVersion, id);
                Match m = src ? Match.match().sourceIpPortSet(name) : Match.match().destIpPortSet(name);
                rules.add(new IptRule(m.fragments(), Actions.setMark(markToSet)));
            }
            finishPositiveBlock();
        }

        void appendCidrBlock(List<String> cidrs, boolean src) {
            maybeAppendInitialRule(0);
            int markToSet = positiveBlockMarkToSet();
            for (String cidr : cidrs) {
                Match m = src ? Match.match().sourceNet(cidr) : Match.match().destNet(cidr);
                rules.add(new IptRule(m.fragments(), Actions.setMark(markToSet)));
            }
            finishPositiveBlock();
        }

        void appendNegatedCidrBlock(List<String> cidrs, boolean src) {
            maybeAppendInitialRule(allBlocksPass);
            for (String cidr : cidrs) {
                Match m = src ? Match.match().sourceNet(cidr) : Match.match().destNet(cidr);
                rules.add(new IptRule(m.fragments(), Actions.clearMark(allBlocksPass)));
            }
        }

        private void maybeAppendInitialRule(int bitsToSetInitially) {
            if (usingBlocks) {
                return;
            }
            rules.add(new IptRule(List.of(), Actions.setMaskedMark(bitsToSetInitially, allBlocksPass | thisBlockPass)));
            usingBlocks = true;
        }

        private int positiveBlockMarkToSet() {
            return doneFirstPositiveBlock ? thisBlockPass : allBlocksPass;
        }

        private void finishPositiveBlock() {
            if (!doneFirstPositiveBlock) {
                doneFirstPositiveBlock = true;
                return;
            }
            rules.add(new IptRule(Match.match().markClear(thisBlockPass).fragments(), Actions.clearMark(allBlocksPass)));
        }
    }
}
