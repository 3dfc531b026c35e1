package dev.tabby.charts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/tabby manifest}: writes docs/install/tabby.yaml, the chart rendered with its default values and a
 * placeholder etcd, for operators who apply manifests as they apply Calico's calico-etcd.yaml.
 * {@code --check} writes nothing and exits 1 when the file differs from a fresh render.
 */
public final class ManifestMain {
    /** The etcd the manifest names until the operator edits it, as calico-etcd.yaml's placeholder. */
    public static final String PLACEHOLDER_ETCD = "http://127.0.0.1:2379";
    public static final String MANIFEST = "docs/install/tabby.yaml";

    private ManifestMain() {
    }

    public static void main(String[] args) throws IOException {
        boolean check = args.length == 1 && args[0].equals("--check");
        if (args.length > 1 || (args.length == 1 && !check)) {
            System.err.println("tabby: error: unknown argument '" + String.join(" ", args)
                    + "'; usage: bin/tabby manifest [--check]");
            System.exit(2);
        }
        Path root = Path.of(System.getenv().getOrDefault("TABBY_ROOT", ".")).toAbsolutePath().normalize();
        Path out = root.resolve(MANIFEST);
        String manifest = render(root);
        if (check) {
            String current = Files.isRegularFile(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
            if (!current.equals(manifest)) {
                System.err.println("tabby: error: " + MANIFEST + " differs from the chart's render; run bin/tabby manifest");
                System.exit(1);
            }
            System.out.println("tabby: " + MANIFEST + " matches the chart");
            return;
        }
        Files.createDirectories(out.getParent());
        Files.writeString(out, manifest, StandardCharsets.UTF_8);
        System.out.println("tabby: wrote " + MANIFEST);
    }

    /** The manifest's whole text: what to edit, then the chart's render. */
    public static String render(Path root) {
        String body = ChartRender.template(ChartRender.chartDir(root), List.of(),
                Map.of("etcd", Map.of("endpoints", List.of(PLACEHOLDER_ETCD))));
        return header() + body.stripLeading();
    }

    private static String header() {
        return String.join("\n",
                "# Tabby, rendered from the Helm chart charts/tabby with its default values (VXLAN mode) by",
                "# bin/tabby manifest; do not edit it in the repository: change the chart and run bin/tabby manifest.",
                "#",
                "# Before applying it (kubectl apply -f tabby.yaml), as with Calico's calico-etcd.yaml:",
                "#   - replace every " + PLACEHOLDER_ETCD + " (TABBY_ETCD_ENDPOINTS) with your etcd cluster's client",
                "#     URLs, comma-separated;",
                "#   - for an etcd with TLS, use https:// URLs and render with the chart instead",
                "#     (helm template tabby charts/tabby -n kube-system --set etcd.tls.secretName=...), which mounts the",
                "#     Secret's etcd-ca, etcd-cert and etcd-key and sets TABBY_ETCD_CA_FILE, _CERT_FILE and _KEY_FILE;",
                "#   - another mode (ipip, bgp), IP pool, CNI directory or registry: render with the chart too.",
                "# The Job tabby-preflight checks one node's host against Tabby's requirements (kubectl -n kube-system",
                "# logs job/tabby-preflight); Helm runs it before each install and upgrade, kubectl only once: delete",
                "# it before applying a newer manifest.",
                "");
    }
}
