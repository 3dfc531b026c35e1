package dev.tabby.ctl.output;

import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints resources the way {@code calicoctl get -o ...} does. */
public final class Printer {
    public enum Format { PS, WIDE, YAML, JSON, NAME }

    private Printer() {
    }

    public static Format parseFormat(String text) {
        for (Format f : Format.values()) {
            if (f.name().equalsIgnoreCase(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException("output format \"" + text + "\" is not known; use one of ps, wide, yaml, json, name");
    }

    /**
     * @param single true when one resource was asked for by name: YAML and JSON print it alone, not as a list
     */
    public static void print(PrintWriter out, Kind kind, List<Resource> items, Format format, boolean single,
                             boolean allNamespaces, long revision) {
        switch (format) {
            case YAML -> out.print(single ? ResourceCodec.toYaml(items.get(0))
                    : ResourceCodec.toYaml(ResourceCodec.toListTree(items, kind, Long.toString(revision))));
            case JSON -> out.print(single ? ResourceCodec.toJson(items.get(0))
                    : ResourceCodec.toJson(ResourceCodec.toListTree(items, kind, Long.toString(revision))));
            case NAME -> items.forEach(r -> out.println(kind.kindName().toLowerCase(Locale.ROOT) + "/"
                    + (allNamespaces && kind.namespaced() ? r.namespace() + "/" : "") + r.name()));
            case PS, WIDE -> table(out, Columns.of(kind, format == Format.WIDE, allNamespaces), items);
        }
        out.flush();
    }

    private static void table(PrintWriter out, List<Columns.Column> columns, List<Resource> items) {
        List<String[]> rows = new ArrayList<>();
        rows.add(columns.stream().map(Columns.Column::header).toArray(String[]::new));
        for (Resource r : items) {
            rows.add(columns.stream().map(c -> {
                String v = c.value().apply(r);
                return v == null ? "" : v;
            }).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                sb.append(row[i]);
                if (i < row.length - 1) {
                    sb.append(" ".repeat(widths[i] - row[i].length() + 3));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
