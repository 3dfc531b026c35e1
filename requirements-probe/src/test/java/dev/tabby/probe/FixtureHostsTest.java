package dev.tabby.probe;

import static dev.tabby.probe.Status.FAIL;
import static dev.tabby.probe.Status.PASS;
import static dev.tabby.probe.Status.WARN;
import static dev.tabby.probe.testing.FixtureHost.tcpListen;
import static dev.tabby.probe.testing.FixtureHost.udpBound;
import static dev.tabby.probe.testing.Verdicts.assertVerdicts;
import static dev.tabby.probe.testing.Verdicts.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.testing.Configs;
import dev.tabby.probe.testing.FixtureHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole hosts as fixture roots, each with the exact verdict of every check. A real etcd answers the datastore
 * check; everything else comes from the files each test writes.
 */
class FixtureHostsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @TempDir
    Path tmp;

    private static final String NM_REMEDY = "create /etc/NetworkManager/conf.d/calico.conf containing:\n"
            + "[keyfile]\n"
            + "unmanaged-devices=interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico\n"
            + "then run: systemctl reload NetworkManager";

    private static final String LEGACY_ACCEPT_ALL = """
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            -A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT
            -A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT
            COMMIT
            """;

    private Report probe(FixtureHost h, Set<Mode> modes) {
        ProbeContext ctx = ProbeContext.builder(HostRoot.at(h.root())).modes(modes)
                .env(Map.of("TABBY_ETCD_ENDPOINTS", ETCD.config().endpointsText())).build();
        return new Probe().run(ctx);
    }

    private Report probe(FixtureHost h) {
        return probe(h, Mode.DEFAULT);
    }

    /** What every fixture has: root's capabilities, a name, IPv6, eth0 at 1500, no sockets in use. */
    private FixtureHost host(String name) {
        return FixtureHost.at(tmp.resolve(name)).rootCaps().hostname(name).ipv6On().interfaces("eth0", 1500).noSockets();
    }

    private FixtureHost centos7(String name) {
        String release = "3.10.0-1160.el7.x86_64";
        return host(name).osRelease("centos", "7", "CentOS Linux 7 (Core)").kernel(release, "x86_64")
                .procModules("ip_tables", "x_tables", "nf_conntrack", "ip_set", "xt_set", "xt_conntrack", "ipt_REJECT",
                        "xt_comment", "xt_mark", "xt_multiport")
                .distroModules(release, true)
                .binary("/usr/sbin/iptables").capture("iptables-version", "iptables v1.4.21\n")
                .file("/proc/net/ip_tables_names", "filter\n").capture("iptables-legacy-save", LEGACY_ACCEPT_ALL)
                .binary("/usr/sbin/NetworkManager")
                .process(812, "NetworkManager", "/usr/sbin/NetworkManager --no-daemon");
    }

    @Test
    void centos7WithNetworkManagerNotConfigured() {
        FixtureHost h = centos7("centos7").file("/etc/NetworkManager/NetworkManager.conf", "[main]\nplugins=ifcfg-rh\n");

        Report r = probe(h);

        assertVerdicts(expect("networkmanager", FAIL), r);
        CheckResult nm = r.check("networkmanager").orElseThrow();
        assertEquals(NM_REMEDY, nm.remedy());
        assertTrue(nm.observed().startsWith("NetworkManager is running (pid 812); it would manage cali*, tunl*, "
                + "vxlan.calico (no [keyfile] unmanaged-devices setting"), nm.observed());
        assertTrue(r.check("module-xt_icmp").orElseThrow().observed().startsWith("loaded as ip_tables"),
                "icmp is part of ip_tables before 6.4");
        assertTrue(r.check("module-nf_conntrack_proto_sctp").orElseThrow().observed().startsWith("loadable: modules.dep"),
                "a module of its own before 4.10");
        assertEquals("centos7", r.node());
        assertTrue(r.failed());
    }

    @Test
    void centos7WithNetworkManagerConfiguredCorrectly() {
        FixtureHost h = centos7("centos7-nm-ok")
                .file("/etc/NetworkManager/NetworkManager.conf",
                        "[main]\nplugins=ifcfg-rh\n\n[keyfile]\nunmanaged-devices=interface-name:docker0\n")
                .file("/etc/NetworkManager/conf.d/calico.conf", "[keyfile]\n"
                        + "unmanaged-devices+=interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico\n");

        Report r = probe(h);

        assertVerdicts(expect(), r);
        assertTrue(r.check("networkmanager").orElseThrow().observed().endsWith("it leaves cali*, tunl* and vxlan.calico "
                + "alone ([keyfile] unmanaged-devices in " + h.path("/etc/NetworkManager/conf.d/calico.conf") + ")"));
        assertFalse(r.failed());
    }

    @Test
    void partlyConfiguredNetworkManagerKeepsTheOperatorsEntriesInTheRemedy() {
        FixtureHost h = centos7("centos7-nm-partial").file("/etc/NetworkManager/NetworkManager.conf",
                "[keyfile]\nunmanaged-devices=interface-name:docker0;interface-name:cali*\n");

        Report r = probe(h, Set.of(Mode.VXLAN, Mode.BGP));

        assertVerdicts(expect("networkmanager", FAIL, "module-ipip", PASS), r);
        CheckResult nm = r.check("networkmanager").orElseThrow();
        assertTrue(nm.observed().contains("it would manage tunl*, vxlan.calico"), nm.observed());
        assertTrue(nm.observed().contains("tunl* only matters with IP-in-IP"), nm.observed());
        assertEquals("create /etc/NetworkManager/conf.d/calico.conf containing:\n[keyfile]\nunmanaged-devices="
                + "interface-name:docker0;interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico\n"
                + "then run: systemctl reload NetworkManager", nm.remedy());
    }

    @Test
    void ubuntu1604Correct() {
        String release = "4.4.0-210-generic";
        FixtureHost h = host("ubuntu1604").osRelease("ubuntu", "16.04", "Ubuntu 16.04.7 LTS").kernel(release, "x86_64")
                .procModules("ip_tables", "x_tables", "nf_conntrack", "xt_conntrack", "ip_set", "xt_set", "ipip")
                .distroModules(release, true)
                .bootConfig(release, Configs.all("m", "m"))
                .binary("/sbin/iptables").capture("iptables-version", "iptables v1.6.0\n")
                .file("/proc/net/ip_tables_names", "filter\n")
                .capture("iptables-legacy-save", """
                        # Generated by iptables-save v1.6.0
                        *filter
                        :INPUT DROP [0:0]
                        :FORWARD ACCEPT [0:0]
                        :OUTPUT ACCEPT [0:0]
                        :TABBY-ALLOW - [0:0]
                        -A INPUT -i lo -j ACCEPT
                        -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                        -A INPUT -j TABBY-ALLOW
                        -A TABBY-ALLOW -p tcp -m tcp --dport 22 -j ACCEPT
                        -A TABBY-ALLOW -p tcp -m multiport --dports 179,2379,5473,6443 -m comment --comment "tabby: control" -j ACCEPT
                        -A TABBY-ALLOW -p ipencap -j ACCEPT
                        -A TABBY-ALLOW -p udp -m udp --dport 4789 -j ACCEPT
                        -A TABBY-ALLOW -j RETURN
                        COMMIT
                        """)
                .binary("/usr/sbin/NetworkManager").process(700, "NetworkManager", "/usr/sbin/NetworkManager --no-daemon")
                .file("/etc/NetworkManager/NetworkManager.conf", "[main]\nplugins=ifupdown,keyfile\n")
                .file("/etc/NetworkManager/conf.d/calico.conf",
                        "[keyfile]\nunmanaged-devices=interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico\n")
                .process(4242, "java", "java -cp /opt/tabby/bgp-speaker/lib/* dev.tabby.bgp.Main")
                .socketFd(4242, 31, 55555)
                .sockets(List.of(tcpListen(0, 179, 55555)), List.of());

        Report r = probe(h);

        assertVerdicts(expect(), r);
        assertTrue(r.check("port-tcp-179").orElseThrow().observed().startsWith("TCP 179 is held by Tabby (java (pid 4242))"),
                r.check("port-tcp-179").orElseThrow().observed());
        assertTrue(r.check("port-tcp-179").orElseThrow().observed().contains("no firewall rule drops it"));
        assertTrue(r.check("module-ip_set").orElseThrow().observed().startsWith("loaded: /"));
        assertTrue(r.check("module-sctp").orElseThrow().observed().startsWith("loadable: CONFIG_IP_SCTP=m (/"));
        assertFalse(r.failed());
    }

    @Test
    void debian8WithoutIpSet() {
        String release = "3.16.0-11-amd64";
        FixtureHost h = host("debian8").osRelease("debian", "8", "Debian GNU/Linux 8 (jessie)").kernel(release, "x86_64")
                .procModules("ip_tables", "x_tables", "nf_conntrack")
                .distroModules(release, true, "ip_set", "xt_set")
                .bootConfig(release, Configs.all("m", "m", "CONFIG_IP_SET", "CONFIG_NETFILTER_XT_SET"))
                .binary("/sbin/iptables").capture("iptables-version", "iptables v1.4.21\n");

        Report r = probe(h);

        assertVerdicts(expect("module-ip_set", FAIL, "module-ipt_set", FAIL, "module-xt_set", FAIL), r);
        CheckResult ipSet = r.check("module-ip_set").orElseThrow();
        assertEquals("missing: CONFIG_IP_SET is not set (" + h.path("/boot/config-" + release)
                + "); not in modules.builtin or modules.dep", ipSet.observed());
        assertEquals("boot a kernel built with CONFIG_IP_SET (=m or =y), as most distribution kernels are", ipSet.remedy());
        assertTrue(r.check("module-ipt_set").orElseThrow().observed().startsWith("missing (ipt_set is an alias of xt_set)"));
    }

    @Test
    void arm64Host() {
        String release = "5.4.0-1045-raspi";
        FixtureHost h = host("arm64").osRelease("ubuntu", "20.04", "Ubuntu 20.04.6 LTS").kernel(release, "aarch64")
                .procModules("ip_tables", "x_tables", "nf_conntrack", "ipip", "tunnel4", "ip_tunnel").conntrackRunning(true)
                .distroModules(release, false)
                .binary("/usr/sbin/iptables").binary("/usr/sbin/iptables-legacy").binary("/usr/sbin/iptables-nft")
                .binary("/usr/sbin/nft").capture("iptables-version", "iptables v1.8.4 (legacy)\n")
                .capture("nft-version", "nftables v0.9.3 (Topsy)\n").capture("nft-list-ruleset", "");

        Report r = probe(h);

        assertVerdicts(expect(), r);
        assertEquals("arm64 (aarch64, from " + h.path("/proc/sys/kernel/arch") + ")",
                r.check("arch").orElseThrow().observed());
        assertTrue(r.check("module-ipip").orElseThrow().observed().startsWith("loaded"));
        assertTrue(r.check("iptables-backend").orElseThrow().observed().startsWith(
                "in use: none yet (iptables defaults to legacy); legacy: no tables; nft: no rules; iptables v1.8.4 (legacy)"),
                r.check("iptables-backend").orElseThrow().observed());
    }

    @Test
    void kernel39IsTooOld() {
        String release = "3.9.10-100.fc17.x86_64";
        FixtureHost h = host("kernel39").osRelease("fedora", "17", "Fedora 17 (Beefy Miracle)").kernel(release, null)
                .procModules("ip_tables", "x_tables").distroModules(release, true);

        Report r = probe(h);

        assertVerdicts(expect("kernel-version", FAIL, "distro", WARN, "iptables-backend", WARN), r);
        assertEquals(release + " (from " + h.path("/proc/sys/kernel/osrelease") + ") is older than 3.10",
                r.check("kernel-version").orElseThrow().observed());
        assertEquals("x86-64 (x86_64, from the release string " + release + ")", r.check("arch").orElseThrow().observed(),
                "without /proc/sys/kernel/arch the release's suffix names the machine");
        assertTrue(r.check("distro").orElseThrow().observed().endsWith("is not on the known-good list"));
    }

    @Test
    void nftBackendInUse() {
        String release = "5.10.0-21-amd64";
        FixtureHost h = host("nft").osRelease("debian", "11", "Debian GNU/Linux 11 (bullseye)").kernel(release, "x86_64")
                .procModules("nf_tables", "nft_compat", "x_tables", "nf_conntrack").distroModules(release, false)
                .conntrackRunning(true)
                .binary("/usr/sbin/iptables").binary("/usr/sbin/iptables-legacy").binary("/usr/sbin/iptables-nft")
                .binary("/usr/sbin/nft").binary("/usr/sbin/ipset")
                .capture("iptables-version", "iptables v1.8.7 (nf_tables)\n")
                .capture("nft-version", "nftables v0.9.8 (E.D.S.)\n")
                .capture("nft-list-ruleset", """
                        table inet filter {
                        	set admins {
                        		type ipv4_addr
                        		elements = { 192.0.2.10,
                        			     192.0.2.11 }
                        	}

                        	chain input {
                        		type filter hook input priority filter; policy drop;
                        		ct state established,related accept
                        		iif "lo" accept
                        		tcp dport 22 ip saddr @admins accept
                        		tcp dport { 179, 10250 } accept
                        		ip protocol 4 accept
                        		udp dport 4789 counter packets 0 bytes 0 drop
                        	}

                        	chain forward {
                        		type filter hook forward priority filter; policy accept;
                        	}

                        	chain output {
                        		type filter hook output priority filter; policy accept;
                        	}
                        }
                        """);

        Report r = probe(h);

        assertVerdicts(expect("port-udp-4789", WARN, "port-tcp-5473", WARN, "port-tcp-2379", WARN,
                "port-tcp-6443", WARN), r);
        assertTrue(r.check("iptables-backend").orElseThrow().observed().startsWith("in use: nft; legacy: no tables; "
                + "nft: 6 rules; iptables v1.8.7 (nf_tables); nftables v0.9.8 (E.D.S.)"),
                r.check("iptables-backend").orElseThrow().observed());
        CheckResult vxlan = r.check("port-udp-4789").orElseThrow();
        assertTrue(vxlan.observed().contains("incoming UDP 4789 dropped by nft inet filter/input: udp dport 4789 counter "
                + "packets 0 bytes 0 drop"), vxlan.observed());
        assertTrue(vxlan.observed().endsWith("(VXLAN is not in use)"), vxlan.observed());
        assertTrue(r.check("port-tcp-5473").orElseThrow().observed().contains("dropped by nft inet filter/input: policy DROP"));
        assertEquals("cannot work here (port-udp-4789)", r.viability().get(Mode.VXLAN));
        assertFalse(r.failed(), "only warnings: VXLAN is not in use");
    }

    @Test
    void systemdNetworkdMatchingCali() {
        String release = "4.15.0-213-generic";
        FixtureHost h = host("networkd").osRelease("ubuntu", "18.04", "Ubuntu 18.04.6 LTS").kernel(release, "x86_64")
                .procModules("ip_tables", "x_tables").distroModules(release, true)
                .binary("/sbin/iptables").capture("iptables-version", "iptables v1.6.1\n")
                .process(600, "systemd-network", "/lib/systemd/systemd-networkd")
                .file("/run/systemd/network/10-netplan-eth0.network", "[Match]\nName=eth0\n\n[Network]\nDHCP=ipv4\n")
                .file("/etc/systemd/network/20-wired.network", "[Match]\nName=e* cali*\n\n[Network]\nDHCP=yes\n")
                .symlink("/etc/systemd/network/05-everything.network", "/dev/null")
                .file("/usr/lib/systemd/network/05-everything.network", "[Match]\nName=*\n")
                .file("/usr/lib/systemd/network/80-wifi-adhoc.network",
                        "[Match]\nType=wlan\nWLANInterfaceType=ad-hoc\n\n[Network]\nLinkLocalAddressing=yes\n")
                .file("/usr/lib/systemd/network/80-container-ve.network", "[Match]\nName=ve-*\nDriver=veth\n");

        Report r = probe(h);

        assertVerdicts(expect("networkmanager", FAIL), r);
        CheckResult nm = r.check("networkmanager").orElseThrow();
        assertEquals("NetworkManager is not installed; systemd-networkd is running (pid 600); it would manage cali*: "
                + h.path("/etc/systemd/network/20-wired.network") + " matches cali1234567890a", nm.observed());
        assertEquals("create /etc/systemd/network/00-calico.network containing:\n[Match]\nName=cali* tunl* vxlan.calico\n"
                + "\n[Link]\nUnmanaged=yes\nthen run: networkctl reload", nm.remedy());
    }

    @Test
    void s390xHostWithRulesInBothBackends() {
        String release = "4.18.0-305.el8.s390x";
        FixtureHost h = host("s390x").osRelease("rhel", "8.4", "Red Hat Enterprise Linux 8.4 (Ootpa)")
                .kernel(release, "s390x").procModules("ip_tables", "x_tables", "nf_tables", "nf_conntrack").conntrackRunning(true)
                .distroModules(release, false)
                .binary("/usr/sbin/iptables").binary("/usr/sbin/iptables-nft").binary("/usr/sbin/nft")
                .capture("iptables-version", "iptables v1.8.4 (nf_tables)\n")
                .file("/proc/net/ip_tables_names", "filter\n").capture("iptables-legacy-save", LEGACY_ACCEPT_ALL)
                .capture("nft-list-ruleset", """
                        table ip filter {
                        	chain INPUT {
                        		type filter hook input priority filter; policy accept;
                        		meta l4proto tcp tcp dport 22 counter packets 10 bytes 600 accept
                        	}
                        }
                        """);

        Report r = probe(h);

        assertVerdicts(expect("iptables-backend", WARN), r);
        assertEquals("s390x (s390x, from " + h.path("/proc/sys/kernel/arch") + ")", r.check("arch").orElseThrow().observed());
        CheckResult backend = r.check("iptables-backend").orElseThrow();
        assertTrue(backend.observed().startsWith("in use: both legacy and nft; legacy: 2 rules; nft: 1 rules"),
                backend.observed());
        assertTrue(backend.remedy().startsWith("move every rule to one backend"));
    }

    /** A kernel like this machine's: everything built in, no module support, no ipip. */
    private FixtureHost noIpipKernel(String name) {
        return host(name).osRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)").kernel("6.1.0-tabby", "x86_64")
                .configGz(Configs.all("y", "y", "CONFIG_NET_IPIP"))
                .ipTablesMatches("u32", "set", "rpfilter", "multiport", "mark", "ipvs", "conntrack", "comment",
                        "addrtype", "sctp", "icmp", "udp", "tcp")
                .ipTablesTargets("REJECT", "SET", "MARK")
                .file("/proc/net/ip_tables_names", "").file("/proc/net/ip6_tables_names", "")
                .file("/proc/net/ip6_tables_matches", "icmp6\nrpfilter\n").capture("nft-list-ruleset", "");
    }

    @Test
    void kernelWithoutIpipPassesWithVxlanAndFailsWithIpip() {
        FixtureHost h = noIpipKernel("no-ipip").binary("/usr/sbin/iptables")
                .capture("iptables-version", "iptables v1.8.9 (legacy)\n");

        Report vxlan = probe(h, Set.of(Mode.VXLAN, Mode.BGP));
        assertVerdicts(expect("module-ipip", WARN), vxlan);
        assertFalse(vxlan.failed());
        CheckResult ipipWarn = vxlan.check("module-ipip").orElseThrow();
        assertEquals("missing: CONFIG_NET_IPIP is not set (" + h.path("/proc/config.gz") + "); IP-in-IP pools cannot "
                + "work on this host (IP-in-IP is not in use)", ipipWarn.observed());
        assertTrue(vxlan.check("module-nf_conntrack_proto_sctp").orElseThrow().observed().startsWith(
                "built-in as nf_conntrack (part of nf_conntrack since Linux 4.10"));
        assertTrue(vxlan.check("module-xt_icmp").orElseThrow().observed().startsWith("built-in as ip_tables"));
        assertEquals("cannot work here (module-ipip)", vxlan.viability().get(Mode.IPIP));
        assertEquals("untested (not tested: iface-vxlan; no blocker found)", vxlan.viability().get(Mode.VXLAN));

        Report ipip = probe(h, Set.of(Mode.IPIP, Mode.BGP));
        assertVerdicts(expect("module-ipip", FAIL), ipip);
        assertTrue(ipip.failed());
        assertEquals("boot a kernel built with CONFIG_NET_IPIP (=m or =y), as most distribution kernels are; or use VXLAN "
                + "pools instead of IP-in-IP", ipip.check("module-ipip").orElseThrow().remedy());
    }

    @Test
    void leftoverCalicoNodeHoldsBgpAndTheFirewallDropsIpip() {
        String release = "5.15.0-91-generic";
        FixtureHost h = host("leftover").osRelease("ubuntu", "22.04", "Ubuntu 22.04.3 LTS").kernel(release, "x86_64")
                .procModules("ip_tables", "x_tables", "nf_conntrack", "ipip", "vxlan").distroModules(release, false)
                .conntrackRunning(true)
                .binary("/usr/sbin/iptables").capture("iptables-version", "iptables v1.8.7 (legacy)\n")
                .process(900, "bird", "bird -R -s /var/run/calico/bird.ctl -d -c /etc/calico/confd/config/bird.cfg")
                .socketFd(900, 7, 777)
                .sockets(List.of(tcpListen(0, 179, 777)), List.of(udpBound(0, 4789, 0)))
                .file("/proc/net/ip_tables_names", "filter\n")
                .capture("iptables-legacy-save", """
                        *filter
                        :INPUT ACCEPT [0:0]
                        :FORWARD ACCEPT [0:0]
                        :OUTPUT ACCEPT [0:0]
                        -A INPUT -p ipencap -m comment --comment "no tunnels here" -j DROP
                        -A OUTPUT -d 10.0.0.0/8 -p tcp -m tcp --dport 179 -j REJECT --reject-with icmp-port-unreachable
                        COMMIT
                        """);

        Report r = probe(h);

        assertVerdicts(expect("port-tcp-179", FAIL, "proto-ipip", FAIL), r);
        CheckResult bgp = r.check("port-tcp-179").orElseThrow();
        assertTrue(bgp.observed().startsWith("TCP 179 is held by bird (pid 900), not by Tabby"), bgp.observed());
        assertTrue(bgp.observed().contains("outgoing TCP 179 may be dropped by iptables-legacy filter/OUTPUT: -A OUTPUT "
                + "-d 10.0.0.0/8 -p tcp -m tcp --dport 179 -j REJECT"), bgp.observed());
        assertTrue(bgp.remedy().startsWith("stop bird (pid 900) or move it off TCP 179 (BGP needs it)"), bgp.remedy());
        CheckResult ipip = r.check("proto-ipip").orElseThrow();
        assertEquals("incoming IP-in-IP (protocol 4) dropped by iptables-legacy filter/INPUT: -A INPUT -p ipencap -m "
                + "comment --comment \"no tunnels here\" -j DROP", ipip.observed());
        assertTrue(ipip.remedy().contains("iptables -I INPUT -p 4 -j ACCEPT (and -I OUTPUT)"), ipip.remedy());
        assertTrue(r.check("port-udp-4789").orElseThrow().observed().startsWith("UDP 4789 is held by the kernel"));
        assertEquals("cannot work here (proto-ipip)", r.viability().get(Mode.IPIP));
        assertEquals("cannot work here (port-tcp-179)", r.viability().get(Mode.BGP));
    }

    @Test
    void unreadableFirewallRulesAreNotTestedAndTheirModesUntested() throws IOException {
        FixtureHost h = centos7("centos7-unreadable").file("/etc/NetworkManager/conf.d/calico.conf", "[keyfile]\n"
                + "unmanaged-devices=interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico\n");
        // The legacy filter table exists (/proc/net/ip_tables_names) but its rules could not be listed.
        Files.delete(h.path("/var/lib/tabby-probe/iptables-legacy-save.txt"));

        Report r = probe(h);

        assertVerdicts(expect("port-tcp-179", WARN, "proto-ipip", WARN, "port-udp-4789", WARN, "port-tcp-5473", WARN,
                "port-tcp-2379", WARN, "port-tcp-6443", WARN, "iptables-backend", WARN), r);
        CheckResult bgp = r.check("port-tcp-179").orElseThrow();
        assertTrue(bgp.untested());
        assertTrue(bgp.observed().contains("not tested: whether the firewall drops it: rules unreadable (iptables-legacy: "
                + "tables [filter] exist but no capture of 'iptables-legacy-save' at "), bgp.observed());
        assertTrue(bgp.remedy().startsWith("run the probe as root (it needs CAP_NET_ADMIN"), bgp.remedy());
        assertTrue(r.check("iptables-backend").orElseThrow().observed().startsWith("not tested: "));
        assertEquals("untested (not tested: port-tcp-179; no blocker found)", r.viability().get(Mode.BGP));
        assertEquals("untested (not tested: iface-vxlan, port-udp-4789; no blocker found)", r.viability().get(Mode.VXLAN));
        assertFalse(r.viability().containsValue("can work here"), r.viability().toString());
        assertFalse(r.failed());
    }

    @Test
    void withoutSctpAndXtIpvsOnlyWarnsSayingWhatWillNotWork() {
        String release = "5.10.0-21-amd64";
        FixtureHost h = host("no-sctp").osRelease("debian", "11", "Debian GNU/Linux 11 (bullseye)").kernel(release, "x86_64")
                .procModules("ip_tables", "x_tables", "nf_conntrack").distroModules(release, false, "sctp", "xt_ipvs")
                .bootConfig(release, Configs.all("m", "y", "CONFIG_IP_SCTP", "CONFIG_NETFILTER_XT_MATCH_IPVS"))
                .binary("/usr/sbin/iptables").capture("iptables-version", "iptables v1.8.7 (legacy)\n");

        for (Set<Mode> modes : List.of(Mode.DEFAULT, Set.of(Mode.VXLAN), Set.of(Mode.IPIP, Mode.VXLAN, Mode.BGP))) {
            Report r = probe(h, modes);

            assertVerdicts(expect("module-sctp", WARN, "module-xt_ipvs", WARN), r);
            assertFalse(r.failed(), "no mode needs sctp or xt_ipvs");
            CheckResult sctp = r.check("module-sctp").orElseThrow();
            assertTrue(sctp.observed().startsWith("missing: CONFIG_IP_SCTP is not set"), sctp.observed());
            assertTrue(sctp.observed().endsWith("; without sctp, policy rules with protocol SCTP cannot be enforced"),
                    sctp.observed());
            CheckResult ipvs = r.check("module-xt_ipvs").orElseThrow();
            assertTrue(ipvs.observed().endsWith("; without xt_ipvs (and ip_vs), kube-proxy in IPVS mode cannot be used "
                    + "with Calico policy"), ipvs.observed());
            assertTrue(ipvs.remedy().startsWith("boot a kernel built with CONFIG_NETFILTER_XT_MATCH_IPVS"), ipvs.remedy());
        }
    }

    @Test
    void theDefaultRouteMustCoverTheWorkloadGateway() {
        FixtureHost h = centos7("routes").file("/etc/NetworkManager/conf.d/calico.conf", "[keyfile]\n"
                + "unmanaged-devices=interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico\n");

        h.procNetRoute(FixtureHost.route("eth0", "10.0.0.0/24", null, false));
        CheckResult none = probe(h).check("default-route").orElseThrow();
        assertEquals(FAIL, none.status(), none.observed());
        assertEquals("no route covers 169.254.1.1 in " + h.path("/proc/net/route"), none.observed());
        assertEquals("add a default route; without one, workloads cannot resolve their gateway 169.254.1.1 and get "
                + "no traffic out", none.remedy());

        h.procNetRoute(FixtureHost.route("eth0", "0.0.0.0/0", "10.0.0.1", false),
                FixtureHost.route("eth0", "10.0.0.0/24", null, false));
        CheckResult viaDefault = probe(h).check("default-route").orElseThrow();
        assertEquals(PASS, viaDefault.status(), viaDefault.observed());
        assertTrue(viaDefault.observed().startsWith("169.254.1.1 is covered by 'default via 10.0.0.1 dev eth0'"),
                viaDefault.observed());

        h.procNetRoute(FixtureHost.route("eth0", "0.0.0.0/0", "10.0.0.1", false),
                FixtureHost.route("*", "169.254.0.0/16", null, false));
        CheckResult blackhole = probe(h).check("default-route").orElseThrow();
        assertEquals(FAIL, blackhole.status(), "a more specific blackhole wins over the default route");
        assertTrue(blackhole.observed().startsWith("169.254.1.1 falls to 'blackhole 169.254.0.0/16'"), blackhole.observed());

        h.procNetRoute(FixtureHost.route("*", "0.0.0.0/0", null, true));
        assertEquals(FAIL, probe(h).check("default-route").orElseThrow().status(), "an unreachable default route");

        h.procNetRoute(FixtureHost.route("eth1", "169.254.1.1/32", null, false));
        assertEquals(PASS, probe(h).check("default-route").orElseThrow().status(), "a host route to the gateway will do");
    }
}
