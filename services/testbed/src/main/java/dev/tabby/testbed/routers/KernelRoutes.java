package dev.tabby.testbed.routers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The routes a daemon put into its namespace's kernel, read with {@code ip -j route show proto P}. */
final class KernelRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KernelRoutes() {
    }

    /** {@code protocol} is iproute2's name for the daemon's route protocol: bird (12), bgp (186, FRR's zebra). */
    static List<String> of(String netns, Afi afi, String protocol) {
        String out = Cli.run("ip", "-n", netns, "-j", afi == Afi.IPV4 ? "-4" : "-6", "route", "show", "proto", protocol)
                .orThrow();
        List<String> prefixes = new ArrayList<>();
        try {
            for (JsonNode r : JSON.readTree(out.isBlank() ? "[]" : out)) {
                String dst = r.path("dst").asText();
                if (dst.equals("default")) {
                    dst = afi == Afi.IPV4 ? "0.0.0.0/0" : "::/0";
                } else if (!dst.contains("/")) {
                    dst += afi == Afi.IPV4 ? "/32" : "/128";
                }
                prefixes.add(Prefixes.canonical(dst));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot parse ip -j route output in " + netns + ": " + e.getMessage(), e);
        }
        return prefixes;
    }
}
