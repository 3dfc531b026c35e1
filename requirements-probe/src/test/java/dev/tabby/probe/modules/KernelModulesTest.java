package dev.tabby.probe.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.host.KernelConfig;
import dev.tabby.probe.host.KernelFacts;
import dev.tabby.probe.host.KernelVersion;
import dev.tabby.probe.testing.FixtureHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelModulesTest {
    @TempDir
    Path tmp;

    private static ModuleFinding resolve(FixtureHost h, String name) {
        HostRoot host = HostRoot.at(h.root());
        KernelFacts k = KernelFacts.read(host);
        KernelModules m = KernelModules.read(host, k, KernelConfig.read(host, k.release()));
        return m.resolve(ModuleCatalog.spec(name, k.version()));
    }

    @Test
    void icmpMovedFromIpTablesToXtTcpudpIn64() {
        FixtureHost old = FixtureHost.at(tmp.resolve("old")).kernel("6.3.0", "x86_64").procModules("ip_tables", "x_tables")
                .modules("6.3.0", List.of("kernel/net/ipv4/netfilter/ip_tables.ko"), List.of(),
                        List.of("alias ipt_icmp ip_tables"));
        ModuleFinding before = resolve(old, "xt_icmp");
        assertEquals(ModuleState.LOADED, before.state());
        assertEquals("ip_tables", before.via());

        FixtureHost recent = FixtureHost.at(tmp.resolve("new")).kernel("6.8.0-31-generic", "x86_64").procModules()
                .modules("6.8.0-31-generic", List.of("kernel/net/netfilter/xt_tcpudp.ko.zst",
                        "kernel/net/ipv4/netfilter/ip_tables.ko.zst"), List.of(), List.of("alias ipt_icmp xt_tcpudp"));
        ModuleFinding after = resolve(recent, "xt_icmp");
        assertEquals(ModuleState.LOADABLE, after.state());
        assertEquals("xt_tcpudp", after.via());
        assertTrue(after.observed().contains("modules.dep has kernel/net/netfilter/xt_tcpudp.ko.zst"), after.observed());
    }

    @Test
    void aliasesLeadToTheRealModule() {
        FixtureHost h = FixtureHost.at(tmp.resolve("alias")).kernel("5.15.0", "x86_64").procModules()
                .modules("5.15.0", List.of("kernel/net/netfilter/xt-odd-name.ko"), List.of(),
                        List.of("alias ipt_set xt_odd_name"));
        ModuleFinding f = resolve(h, "ipt_set");
        assertEquals(ModuleState.LOADABLE, f.state());
        assertEquals("loadable as xt_odd_name (ipt_set is an alias of xt_set): modules.alias maps ipt_set to xt_odd_name; "
                + "modules.dep has kernel/net/netfilter/xt-odd-name.ko", f.observed());
    }

    @Test
    void sctpConntrackFollowsItsOptionWhenTheConfigIsReadable() {
        FixtureHost off = FixtureHost.at(tmp.resolve("off")).kernel("5.10.0", "x86_64").procModules("nf_conntrack")
                .configGz("CONFIG_MODULES=y", "CONFIG_NF_CONNTRACK=m", "# CONFIG_NF_CT_PROTO_SCTP is not set");
        ModuleFinding f = resolve(off, "nf_conntrack_proto_sctp");
        assertEquals(ModuleState.MISSING, f.state());
        assertTrue(f.observed().contains("CONFIG_NF_CT_PROTO_SCTP is not set"), f.observed());

        FixtureHost on = FixtureHost.at(tmp.resolve("on")).kernel("5.10.0", "x86_64").procModules("nf_conntrack")
                .configGz("CONFIG_MODULES=y", "CONFIG_NF_CONNTRACK=m", "CONFIG_NF_CT_PROTO_SCTP=y");
        ModuleFinding g = resolve(on, "nf_conntrack_proto_sctp");
        assertEquals(ModuleState.LOADED, g.state());
        assertEquals("nf_conntrack", g.via());
    }

    @Test
    void withoutTheConfigARunningConntrackTellsWhetherItTracksSctp() {
        FixtureHost without = FixtureHost.at(tmp.resolve("without")).kernel("5.10.0", "x86_64").procModules("nf_conntrack")
                .conntrackRunning(false);
        assertEquals(ModuleState.MISSING, resolve(without, "nf_conntrack_proto_sctp").state());
        FixtureHost with = FixtureHost.at(tmp.resolve("with")).kernel("5.10.0", "x86_64").procModules("nf_conntrack")
                .conntrackRunning(true);
        assertEquals(ModuleState.LOADED, resolve(with, "nf_conntrack_proto_sctp").state());
        FixtureHost idle = FixtureHost.at(tmp.resolve("idle")).kernel("5.10.0", "x86_64").procModules()
                .modules("5.10.0", List.of("kernel/net/netfilter/nf_conntrack.ko"), List.of(), List.of());
        ModuleFinding unknown = resolve(idle, "nf_conntrack_proto_sctp");
        assertEquals(ModuleState.UNKNOWN, unknown.state());
        assertTrue(unknown.observed().contains("it depends on CONFIG_NF_CT_PROTO_SCTP"), unknown.observed());
    }

    @Test
    void configuredAsAModuleButNotInstalledIsMissing() {
        FixtureHost h = FixtureHost.at(tmp.resolve("extra")).kernel("5.4.0-150-generic", "x86_64").procModules()
                .modules("5.4.0-150-generic", List.of("kernel/net/ipv4/netfilter/ip_tables.ko"), List.of(), List.of())
                .bootConfig("5.4.0-150-generic", "CONFIG_MODULES=y", "CONFIG_NETFILTER_XT_MATCH_IPVS=m");
        ModuleFinding f = resolve(h, "xt_ipvs");
        assertEquals(ModuleState.MISSING, f.state());
        assertTrue(f.observed().contains("CONFIG_NETFILTER_XT_MATCH_IPVS=m (" + h.path("/boot/config-5.4.0-150-generic")
                + "); but no xt_ipvs .ko in "), f.observed());
    }

    @Test
    void withoutModuleSupportTheRegisteredMatchesAreTheTruth() {
        FixtureHost h = FixtureHost.at(tmp.resolve("monolithic")).kernel("6.1.0", "x86_64")
                .ipTablesMatches("set", "comment").ipTablesTargets("REJECT");
        assertEquals(ModuleState.BUILT_IN, resolve(h, "xt_comment").state());
        ModuleFinding u32 = resolve(h, "xt_u32");
        assertEquals(ModuleState.MISSING, u32.state());
        assertTrue(u32.observed().endsWith("and the kernel cannot load modules (" + h.path("/proc/modules")
                + " is not present)"), u32.observed());
        assertEquals(ModuleState.UNKNOWN, resolve(h, "nf_conntrack_netlink").state(), "it leaves no trace in those lists");
    }

    @Test
    void everyModuleOfThePageHasASpecForAnyKernel() {
        for (Optional<KernelVersion> v : List.of(Optional.<KernelVersion>empty(), KernelVersion.parse("3.10.0"),
                KernelVersion.parse("6.12.1"))) {
            List<ModuleSpec> specs = ModuleCatalog.specs(v);
            assertEquals(ModuleCatalog.SEED.size(), specs.size());
            specs.forEach(s -> assertTrue(!s.modules().isEmpty() && !s.configSymbols().isEmpty(), s.name()));
        }
    }
}
