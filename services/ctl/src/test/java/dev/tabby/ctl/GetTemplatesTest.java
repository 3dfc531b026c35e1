package dev.tabby.ctl;

import static dev.tabby.ctl.GetTablesTest.assertLines;
import static dev.tabby.ctl.GetTablesTest.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.datastore.testing.EtcdExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code get -o custom-columns=...}, {@code -o go-template=...} and {@code -o go-template-file=...} as calicoctl
 * v3.18 runs them (calicoctl/commands/get.go, common/printer.go): custom columns are the kind's own headings
 * (resourcemgr.go GetTableTemplate); a template runs over the slice of results, each a {@code <Kind>List} with
 * {@code .Items} or one named resource, with Go's field names (calico docs reference/calicoctl/get.md:
 * {@code {{range .}}{{range .Items}}{{.ObjectMeta.Name}},{{end}}{{end}}}). Expected template output and error
 * texts were checked against Go 1.19's text/template over structs of the same shape.
 */
class GetTemplatesTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    Tabbyctl ctl;
    Path dir;

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        ctl = new Tabbyctl(ETCD.config().endpointsText());
        dir = ETCD.scratchDir(info.getTestMethod().orElseThrow().getName());
        ETCD.etcdctl().run("del", "--prefix", "/calico/");
        Path f = Files.writeString(dir.resolve("data.yaml"), """
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: pool-a}
                spec: {cidr: 10.1.0.0/16, vxlanMode: Always, natOutgoing: true}
                ---
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: pool-b}
                spec: {cidr: 10.2.0.0/24, ipipMode: CrossSubnet, disabled: true}
                ---
                apiVersion: projectcalico.org/v3
                kind: HostEndpoint
                metadata: {name: node-1-eth0}
                spec: {node: node-1, interfaceName: eth0, expectedIPs: [192.0.2.10, "fd00::10"]}
                ---
                apiVersion: projectcalico.org/v3
                kind: HostEndpoint
                metadata: {name: node-2-any}
                spec: {node: node-2, expectedIPs: [192.0.2.11]}
                ---
                apiVersion: projectcalico.org/v3
                kind: NetworkSet
                metadata: {name: few, namespace: shop}
                spec: {nets: [192.0.2.0/28]}
                ---
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: node-3}
                spec: {}
                """);
        Tabbyctl.Result r = ctl.run("apply", "-f", f.toString());
        assertEquals(0, r.exitCode(), r::toString);
    }

    private String template(String... args) {
        Tabbyctl.Result r = ctl.run(args);
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err(), r::toString);
        return r.out();
    }

    private String failure(String... args) {
        Tabbyctl.Result r = ctl.run(args);
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.out(), "nothing printed when the output format fails: " + r);
        return r.err();
    }

    @Test
    void customColumnsAreTheKindsHeadingsInTheOrderGiven() {
        // get.md's example: custom-columns=NAME,IPS
        assertLines(lines(
                "NAME          IPS                   |",
                "node-1-eth0   192.0.2.10,fd00::10   |",
                "node-2-any    192.0.2.11            |",
                ""), ctl.run("get", "hostendpoints", "-o", "custom-columns=NAME,IPS"));
        assertLines(lines(
                "CIDR          NAME     NAT     |",
                "10.1.0.0/16   pool-a   true    |",
                "10.2.0.0/24   pool-b   false   |",
                ""), ctl.run("get", "ippools", "-o", "custom-columns=CIDR,NAME,NAT"));
        // get.go builds the custom-columns printer without PrintNamespace: -A adds no NAMESPACE; ask for it.
        assertLines(lines("NAME   |", "few    |", ""), ctl.run("get", "networksets", "-A", "-o", "custom-columns=NAME"));
        assertLines(lines("NAMESPACE   NAME   |", "shop        few    |", ""),
                ctl.run("get", "networksets", "-A", "-o", "custom-columns=NAMESPACE,NAME"));
        // resourcemgr.go: "Unknown heading %s, valid values are: %s"
        assertEquals("tabbyctl: Unknown heading FOO, valid values are: NAME, CIDR, NAT, IPIPMODE, VXLANMODE, DISABLED, "
                + "SELECTOR\n", failure("get", "ippools", "-o", "custom-columns=NAME,FOO"));
        assertEquals("tabbyctl: need to specify at least one column\n", failure("get", "ippools", "-o", "custom-columns="));
    }

    @Test
    void goTemplatesWalkTheGoStructs() throws IOException {
        // get.md's example, over Tabby's host endpoints.
        assertEquals("node-1-eth0,node-2-any,", template("get", "hostEndpoint",
                "--output=go-template={{range .}}{{range .Items}}{{.ObjectMeta.Name}},{{end}}{{end}}"));
        // TypeMeta's Kind promoted onto the list; range with $index, $element; variables; "\n".
        assertEquals("IPPoolList pool-a=10.1.0.0/16,pool-b=10.2.0.0/24\n", template("get", "ippools", "-o",
                "go-template={{range .}}{{.Kind}} {{range $i, $p := .Items}}{{if $i}},{{end}}{{$p.ObjectMeta.Name}}="
                        + "{{$p.Spec.CIDR}}{{end}}{{\"\\n\"}}{{end}}"));
        // Trim markers, eq with several operands, else if.
        assertEquals("pool-a first\npool-b disabled\n", template("get", "ippools", "-o", """
                go-template={{range .}}
                {{- range .Items}}
                  {{- .ObjectMeta.Name}} {{ if eq .Spec.CIDR "10.1.0.0/16" "x" }}first{{else if .Spec.Disabled}}disabled{{else}}other{{end}}
                {{end}}{{end}}"""));
        // A resource asked for by name is an element of the slice itself, with ObjectMeta's Name promoted.
        assertEquals("pool-a true Never", template("get", "ippool", "pool-a", "-o",
                "go-template={{range .}}{{.Name}} {{.Spec.NATOutgoing}} {{.Spec.IPIPMode}}{{end}}"));
        // A nil pointer (Node.Spec.BGP) prints <nil>; config "asnumber" is 64512 without BGPConfiguration default.
        assertEquals("node-3 <nil> 64512", template("get", "nodes", "-o",
                "go-template={{range .}}{{range .Items}}{{.Name}} {{.Spec.BGP}}{{end}}{{end}} {{config \"asnumber\"}}"));
        // Go's built-ins.
        assertEquals("pool-a  |   42|1.5\npool-b  |   42|1.5\n", template("get", "ippools", "-o",
                "go-template={{range .}}{{range .Items}}{{printf \"%-8s|%5d|%v\" .Name 42 1.5}}{{\"\\n\"}}{{end}}{{end}}"));
        assertEquals("2 0 z false 1 2a3 pool-b 10.2.0.0/24", template("get", "ippools", "-o",
                "go-template={{range .}}{{len .Items}} {{and 1 0}} {{or 0 \"\" \"z\"}} {{not true}} {{print 1 2 \"a\" 3}} "
                        + "{{(index .Items 1).Name}} {{with index .Items 1}}{{.Spec.CIDR}}{{end}}{{end}}"));
        // join of a single value; joinAndTruncate past its length keeps maxLen - 3 characters ("all()" to 0) and "...".
        assertEquals("10.1.0.0/16|...", template("get", "ippool", "pool-a", "-o",
                "go-template={{range .}}{{join .Spec.CIDR \",\"}}|{{joinAndTruncate .Spec.NodeSelector \",\" 3}}{{end}}"));
        // Comments, trimming, pipes into printf, := and =, range over an index, negative numbers, an empty range.
        assertEquals("abx!w01-3", template("get", "ippools", "-o", "go-template={{/* c */}}a {{- /* d */ -}} b"
                + "{{\"x\" | printf \"%s!\"}}{{$x := \"v\"}}{{$x = \"w\"}}{{$x}}"
                + "{{range $k, $v := (index . 0).Items}}{{$k}}{{end}}{{ -3 }}{{range .}}{{else}}none{{end}}"));
        // Go's string escapes and raw strings; comparisons.
        assertEquals("\t\u00e9Araw\\ntruetrue", template("get", "ippools", "-o",
                "go-template={{\"\\t\\u00e9\\x41\"}}{{`raw\\n`}}{{lt 1 2}}{{ge \"b\" \"a\"}}"));
        // go-template-file
        Path file = Files.writeString(dir.resolve("names.tmpl"), "{{range .}}{{range .Items}}{{.ObjectMeta.Name}}\n{{end}}{{end}}");
        assertEquals("pool-a\npool-b\n", template("get", "ippools", "-o", "go-template-file=" + file));
    }

    @Test
    void aTemplateThatCannotRunIsAOneLineErrorAndPrintsNothing() {
        // Go's own messages: an unknown field where its last part starts, an unknown function at parse time.
        assertEquals("tabbyctl: template: get:1:34: executing \"get\" at <.Spec.Cidrs>: can't evaluate field Cidrs in "
                + "type v3.IPPoolSpec\n", failure("get", "ippools", "-o",
                "go-template={{range .}}{{range .Items}}{{.Spec.Cidrs}}{{end}}{{end}}"));
        assertEquals("tabbyctl: template: get:1: function \"upper\" not defined\n",
                failure("get", "ippools", "-o", "go-template={{upper .}}"));
        assertEquals("tabbyctl: template: get:1: unclosed action\n", failure("get", "ippools", "-o", "go-template={{ .Foo"));
        assertEquals("tabbyctl: template: get:1:2: executing \"get\" at <eq 1 1.0>: error calling eq: incompatible types "
                + "for comparison\n", failure("get", "ippools", "-o", "go-template={{eq 1 1.0}}"));
        assertEquals("tabbyctl: template: get:1:8: executing \"get\" at <5>: range can't iterate over 5\n",
                failure("get", "ippools", "-o", "go-template={{range 5}}{{end}}"));
        // What Tabby does not implement is refused by name.
        assertEquals("tabbyctl: template: get:1: {{template}} is not supported by tabbyctl's go-template\n",
                failure("get", "ippools", "-o", "go-template={{template \"x\"}}"));
        assertEquals("tabbyctl: template: get:1: function \"html\" is not supported by tabbyctl's go-template\n",
                failure("get", "ippools", "-o", "go-template={{html .}}"));
        // JSON names are not Go's: say which names a template uses.
        assertEquals("tabbyctl: template: get:1:22: executing \"get\" at <.metadata.name>: can't evaluate field metadata "
                + "in type v3.IPPoolList (Go templates use Go's field names: .ObjectMeta.Name, .Spec.CIDR, .Items)\n",
                failure("get", "ippools", "-o", "go-template={{range .}}{{.metadata.name}}{{end}}"));
        // get.go's own checks.
        assertEquals("tabbyctl: need to specify a template\n", failure("get", "ippools", "-o", "go-template="));
        assertEquals("tabbyctl: need to specify a template file\n", failure("get", "ippools", "-o", "go-template-file="));
        assertEquals("tabbyctl: go-template-file /nonexistent/t.tmpl does not exist\n",
                failure("get", "ippools", "-o", "go-template-file=/nonexistent/t.tmpl"));
        assertEquals("tabbyctl: unrecognized output format 'xml'; use one of ps, wide, yaml, json, name, "
                + "custom-columns=..., go-template=..., go-template-file=...\n", failure("get", "ippools", "-o", "xml"));
    }
}
