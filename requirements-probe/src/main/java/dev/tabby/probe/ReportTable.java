package dev.tabby.probe;

import java.util.List;
import java.util.Map;

/**
 * The report for a terminal: one row per check (id, status, what was observed); under every check that did not
 * pass, what is required and the remedy, indented; then the counts and what each mode can do here.
 */
public final class ReportTable {
    private ReportTable() {
    }

    public static String render(Report report) {
        int idWidth = "CHECK".length();
        for (CheckResult c : report.checks()) {
            idWidth = Math.max(idWidth, c.id().length());
        }
        String indent = " ".repeat(idWidth + 3 + 4 + 3);
        StringBuilder out = new StringBuilder();
        out.append("Node ").append(report.node()).append(", probed ").append(report.time())
                .append(", modes ").append(Mode.join(report.modes())).append('\n');
        out.append(pad("CHECK", idWidth)).append("   ").append("STAT").append("   ").append("OBSERVED").append('\n');
        for (CheckResult c : report.checks()) {
            out.append(pad(c.id(), idWidth)).append("   ").append(pad(c.status().label(), 4)).append("   ");
            appendBlock(out, c.observed(), indent, "");
            if (c.status() == Status.WARN || c.status() == Status.FAIL) {
                if (!c.required().isEmpty()) {
                    out.append(indent);
                    appendBlock(out, c.required(), indent + "      ", "needs ");
                }
                if (!c.remedy().isEmpty()) {
                    out.append(indent);
                    appendBlock(out, c.remedy(), indent + "      ", "fix:  ");
                }
            }
        }
        out.append('\n');
        out.append(report.count(Status.PASS)).append(" pass, ").append(report.count(Status.WARN)).append(" warn, ")
                .append(report.count(Status.FAIL)).append(" fail, ").append(report.count(Status.SKIP)).append(" skip: ")
                .append(report.failed() ? "FAIL" : "PASS").append('\n');
        for (Map.Entry<Mode, String> e : report.viability().entrySet()) {
            out.append(e.getKey().title()).append(": ").append(e.getValue()).append('\n');
        }
        return out.toString();
    }

    private static void appendBlock(StringBuilder out, String text, String indent, String label) {
        List<String> lines = text.isEmpty() ? List.of("") : text.lines().toList();
        out.append(label).append(lines.get(0)).append('\n');
        for (int i = 1; i < lines.size(); i++) {
            out.append(indent).append(lines.get(i)).append('\n');
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
