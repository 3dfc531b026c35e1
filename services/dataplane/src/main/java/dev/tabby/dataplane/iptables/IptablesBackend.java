package dev.tabby.dataplane.iptables;

import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Which iptables implementation holds the node's rules: the legacy x_tables kernel API or nf_tables. Tabby must
 * write through the same one as kube-proxy and the rest of the node, or the two sets of rules would both apply in
 * an order nobody chose.
 */
public enum IptablesBackend {
    LEGACY("legacy"),
    NFT("nft");

    private static final Logger LOG = Logger.getLogger(IptablesBackend.class);
    /** Felix feature_detect.go DetectBackend: 10 legacy rules are enough to settle it without asking nft. */
    private static final int LEGACY_ENOUGH = 10;

    private final String word;

    IptablesBackend(String word) {
        this.word = word;
    }

    /** The command for this backend and IP version, e.g. {@code ip6tables-nft-restore} for tool "restore". */
    public String command(int ipVersion, String tool) {
        return (ipVersion == 6 ? "ip6tables-" : "iptables-") + word + "-" + tool;
    }

    /**
     * The backend for FelixConfiguration {@code iptablesBackend} ({@code Legacy}, {@code NFT} or {@code Auto},
     * any case). Auto counts the rules each backend's save shows for both IP versions and picks the one holding
     * more, legacy on a tie, as Felix v3.18 iptables/feature_detect.go DetectBackend does.
     */
    public static IptablesBackend select(String setting, CommandRunner runner) {
        String s = setting == null ? "auto" : setting.strip().toLowerCase(Locale.ROOT);
        switch (s) {
            case "legacy":
                return LEGACY;
            case "nft":
                return NFT;
            case "auto":
            case "":
                return detect(runner);
            default:
                throw new IllegalArgumentException(
                        "iptablesBackend " + setting + " is not one of Legacy, NFT, Auto");
        }
    }

    static IptablesBackend detect(CommandRunner runner) {
        int legacy = countRules(runner, LEGACY);
        IptablesBackend chosen;
        int nft = -1;
        if (legacy >= LEGACY_ENOUGH) {
            chosen = LEGACY;
        } else {
            nft = countRules(runner, NFT);
            chosen = legacy >= nft ? LEGACY : NFT;
        }
        LOG.infof("event=iptables-backend-detected backend=%s legacyRules=%d nftRules=%d", chosen.word, legacy, nft);
        return chosen;
    }

    /** Rules (lines starting with '-') in the backend's save output, IPv4 plus IPv6; a missing tool counts 0. */
    private static int countRules(CommandRunner runner, IptablesBackend backend) {
        int count = 0;
        for (int version : new int[] {4, 6}) {
            try {
                CommandRunner.Result r = runner.run(List.of(backend.command(version, "save")), "");
                count += (int) r.stdout().lines().filter(l -> l.startsWith("-")).count();
            } catch (IllegalStateException e) {
                LOG.debugf("event=iptables-backend-probe-failed command=%s error=%s",
                        backend.command(version, "save"), e.getMessage());
            }
        }
        return count;
    }

    @Override
    public String toString() {
        return word;
    }
}
