package dev.tabby.ctl.output;

import java.io.PrintWriter;
import java.util.List;

/**
 * A table that grows while it is printed ({@code events -f}, {@code flows -f}): the first batch, heading included, is
 * aligned by calicoctl's {@link TabWriter}; each later row is padded to the columns as they were, widening a column
 * for a longer cell rather than holding the row back. The last column is not padded, so rows carry no trailing
 * spaces; tabs and line breaks inside a cell (from what a service sent) print as spaces.
 */
public final class LiveTable {
    private final List<String> headings;
    private final PrintWriter out;
    private final int[] widths;
    private final TabWriter writer = TabWriter.calicoctl();
    private final List<Integer> reserved;

    /**
     * @param reserved for a table that will grow, how wide each column's cells usually are (a time, an address), so
     *                 that the first rows do not set columns too narrow for the rest; empty for a table printed once
     */
    public LiveTable(List<String> headings, List<Integer> reserved, PrintWriter out) {
        if (!reserved.isEmpty() && reserved.size() != headings.size()) {
            throw new IllegalArgumentException("reserved widths for " + reserved.size() + " of " + headings.size() + " columns");
        }
        this.headings = List.copyOf(headings);
        this.reserved = List.copyOf(reserved);
        this.out = out;
        this.widths = new int[headings.size()];
    }

    /** The heading and the rows so far, aligned together. */
    public void batch(List<List<String>> rows) {
        StringBuilder text = new StringBuilder();
        List<String> heading = headings;
        if (!reserved.isEmpty()) {
            // The heading's cells padded to the reserved widths: the writer then sizes the columns for them.
            heading = new java.util.ArrayList<>();
            for (int i = 0; i < headings.size(); i++) {
                String h = headings.get(i);
                heading.add(i == headings.size() - 1 ? h : h + " ".repeat(Math.max(0, reserved.get(i) - h.length())));
            }
        }
        line(heading, text);
        for (List<String> row : rows) {
            line(row, text);
        }
        out.print(writer.format(text.toString()));
        out.flush();
    }

    /** One more row, after the batch. */
    public void row(List<String> row) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < row.size(); i++) {
            String cell = clean(row.get(i));
            text.append(cell);
            if (i < row.size() - 1) {
                int width = Math.max(widths[i], cell.codePointCount(0, cell.length()) + writer.padding());
                widths[i] = width;
                text.append(" ".repeat(width - cell.codePointCount(0, cell.length())));
            }
        }
        out.print(text.append('\n'));
        out.flush();
    }

    private void line(List<String> row, StringBuilder text) {
        if (row.size() != headings.size()) {
            throw new IllegalArgumentException("a row of " + row.size() + " cells in a table of " + headings.size());
        }
        for (int i = 0; i < row.size(); i++) {
            String cell = clean(row.get(i));
            text.append(cell);
            if (i < row.size() - 1) {
                text.append('\t');
                widths[i] = Math.max(widths[i], Math.max(writer.minWidth(),
                        cell.codePointCount(0, cell.length()) + writer.padding()));
            }
        }
        text.append('\n');
    }

    private static String clean(String cell) {
        return cell == null ? "" : cell.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
