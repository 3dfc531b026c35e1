package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tabbyctl convert} (after calicoctl/commands/convert.go): a v3 manifest is validated and printed canonically,
 * without the metadata convert.go clears; a v1 manifest is refused by name. It writes nothing, so no etcd: the
 * endpoint is one where nothing listens.
 */
class ConvertCommandTest {
    private final Tabbyctl ctl = new Tabbyctl("http://127.0.0.1:1");
    private Path dir;

    private static final String TWO = """
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata:
              name: pool-a
              uid: 0a6d2ec3-1111-2222-3333-444455556666
              resourceVersion: "1234"
              creationTimestamp: "2026-01-01T00:00:00Z"
            spec:
              cidr: 10.40.0.1/16
              ipipMode: CrossSubnet
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata:
              name: web
            spec:
              selector: app == 'web'
              ingress:
              - action: Allow
                protocol: TCP
                destination:
                  ports: [80]
            """;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("tabby-convert-test");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Path file(String text) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "m", ".yaml"), text);
    }

    @Test
    void v3ManifestIsPrintedCanonicallyAsAYamlList() throws IOException {
        Tabbyctl.Result r = ctl.run("convert", "-f", file(TWO).toString());
        assertEquals(0, r.exitCode(), r::toString);
        // Defaults filled, the CIDR normalised, keys sorted, uid/resourceVersion/creationTimestamp gone (convert.go
        // clears them), and several resources printed as a YAML list (common/printer.go ResourcePrinterYAML).
        assertEquals("""
                - apiVersion: projectcalico.org/v3
                  kind: IPPool
                  metadata:
                    name: pool-a
                  spec:
                    blockSize: 26
                    cidr: 10.40.0.0/16
                    disabled: false
                    ipipMode: CrossSubnet
                    natOutgoing: false
                    nodeSelector: all()
                    vxlanMode: Never
                - apiVersion: projectcalico.org/v3
                  kind: NetworkPolicy
                  metadata:
                    name: web
                    namespace: default
                  spec:
                    ingress:
                    - action: Allow
                      destination:
                        ports:
                        - 80
                      protocol: TCP
                    selector: app == 'web'
                    types:
                    - Ingress
                """, r.out());
        assertEquals("tabbyctl: warning: document 1 (IPPool \"pool-a\") at line 1: spec.cidr: \"10.40.0.1/16\" normalised "
                + "to 10.40.0.0/16\n", r.err());
    }

    @Test
    void oneResourceAsJson() throws IOException {
        Tabbyctl.Result r = ctl.run("convert", "-f", file(TWO.substring(0, TWO.indexOf("---"))).toString(), "-o", "json");
        assertEquals(0, r.exitCode(), r::toString);
        // common/printer.go ResourcePrinterJSON: a single resource alone, indented by two.
        assertEquals("""
                {
                  "apiVersion": "projectcalico.org/v3",
                  "kind": "IPPool",
                  "metadata": {
                    "name": "pool-a"
                  },
                  "spec": {
                    "blockSize": 26,
                    "cidr": "10.40.0.0/16",
                    "disabled": false,
                    "ipipMode": "CrossSubnet",
                    "natOutgoing": false,
                    "nodeSelector": "all()",
                    "vxlanMode": "Never"
                  }
                }
                """, r.out());
    }

    @Test
    void standardInput() {
        InputStream saved = System.in;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try {
            System.setIn(new ByteArrayInputStream("""
                    {"apiVersion": "projectcalico.org/v3", "kind": "GlobalNetworkSet",
                     "metadata": {"name": "blocked"}, "spec": {"nets": ["10.0.0.0/8"]}}
                    {"apiVersion": "projectcalico.org/v3", "kind": "GlobalNetworkSet", "metadata": {"name": "b2"}}
                    """.getBytes(StandardCharsets.UTF_8)));
            code = Main.run(new String[] {"convert", "-f", "-"}, new PrintWriter(out, true), new PrintWriter(err, true),
                    Map.of());
        } finally {
            System.setIn(saved);
        }
        assertEquals(0, code, err::toString);
        // Two JSON objects one after the other, as calicoctl reads them.
        assertEquals("""
                - apiVersion: projectcalico.org/v3
                  kind: GlobalNetworkSet
                  metadata:
                    name: blocked
                  spec:
                    nets:
                    - 10.0.0.0/8
                - apiVersion: projectcalico.org/v3
                  kind: GlobalNetworkSet
                  metadata:
                    name: b2
                """, out.toString());
    }

    @Test
    void v1ManifestIsRefusedByName() throws IOException {
        Tabbyctl.Result r = ctl.run("convert", "-f", file("""
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkSet
                metadata: {name: ok}
                spec: {nets: [10.0.0.0/8]}
                ---
                apiVersion: v1
                kind: ipPool
                metadata:
                  cidr: 10.1.0.0/16
                spec:
                  ipip:
                    enabled: true
                """).toString());
        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertEquals("tabbyctl: Failed to execute command: document 2 (ipPool \"10.1.0.0/16\"): Calico v1 resources "
                + "(apiVersion: v1) are not converted by tabbyctl; convert them with calicoctl v3.18 'calicoctl convert', "
                + "then use its projectcalico.org/v3 output\n", r.err());
    }

    @Test
    void invalidManifestFailsValidationUnlessIgnored() throws IOException {
        Path bad = file("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata:
                  name: big
                  resourceVersion: "7"
                spec:
                  cidr: 10.50.0.0/16
                  blockSize: 40
                """);
        Tabbyctl.Result r = ctl.run("convert", "-f", bad.toString());
        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        // convert.go: "Converted manifest resource(s) failed validation: %sRe-run the command with
        // '--ignore-validation' flag to see the converted output."
        assertTrue(r.err().startsWith("tabbyctl: Converted manifest resource(s) failed validation: document 1 (IPPool \"big\") "
                + "at line 1: spec.blockSize: 40 is not allowed; IPv4 block size must be 20..32"), r::toString);
        assertTrue(r.err().endsWith(". Re-run the command with '--ignore-validation' flag to see the converted output.\n"),
                r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);

        Tabbyctl.Result ignored = ctl.run("convert", "-f", bad.toString(), "--ignore-validation");
        assertEquals(0, ignored.exitCode(), ignored::toString);
        assertEquals("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata:
                  name: big
                spec:
                  cidr: 10.50.0.0/16
                  blockSize: 40
                """, ignored.out());
    }

    @Test
    void usageAndInputErrors() throws IOException {
        Tabbyctl.Result format = ctl.run("convert", "-f", file(TWO).toString(), "-o", "xml");
        assertEquals(1, format.exitCode());
        // convert.go: "unrecognized output format '%s'"
        assertEquals("tabbyctl: unrecognized output format 'xml'\n", format.err());

        Tabbyctl.Result missing = ctl.run("convert", "-f", dir.resolve("nope.yaml").toString());
        assertEquals("tabbyctl: Failed to execute command: manifest " + dir.resolve("nope.yaml") + " does not exist\n",
                missing.err());

        Tabbyctl.Result notYaml = ctl.run("convert", "-f", file("kind: [unclosed\n").toString());
        assertEquals(1, notYaml.exitCode());
        assertTrue(notYaml.err().startsWith("tabbyctl: Failed to execute command: document 1 at line "), notYaml::toString);
        assertTrue(notYaml.err().contains("not valid YAML or JSON"), notYaml::toString);

        Tabbyctl.Result noFile = ctl.run("convert");
        assertEquals(1, noFile.exitCode());
        assertTrue(noFile.err().startsWith("tabbyctl convert: Missing required option: '--filename=<FILENAME>'"), noFile::toString);
    }
}
