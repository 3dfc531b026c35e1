package dev.tabby.ctl.output;

import java.util.ArrayList;
import java.util.List;

/**
 * Aligns tab-terminated cells into columns as Go's text/tabwriter does with a space pad character and no flags,
 * the writer calicoctl prints its tables through (calicoctl/commands/common/printer.go:
 * {@code tabwriter.NewWriter(os.Stdout, 5, 1, 3, ' ', 0)}).
 *
 * <p>What an operator sees from this: every tab-terminated cell, the last one of a row too, is padded to its
 * column's width (the widest cell plus the padding, at least the minimum width), so rows carry trailing spaces; a
 * column is aligned only over the run of consecutive lines that have it; a line without any tab ends the block.
 */
final class TabWriter {
    private final int minWidth;
    private final int padding;

    TabWriter(int minWidth, int padding) {
        this.minWidth = minWidth;
        this.padding = padding;
    }

    /** calicoctl's table settings: minimum width 5, padding 3 (the tab width 1 only matters for tab padding). */
    static TabWriter calicoctl() {
        return new TabWriter(5, 3);
    }

    int minWidth() {
        return minWidth;
    }

    int padding() {
        return padding;
    }

    /** The text as the writer prints it after a Flush: complete lines end in a newline, a partial last one not. */
    String format(String text) {
        String[] raw = text.split("\n", -1);
        StringBuilder out = new StringBuilder();
        List<String[]> block = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) {
            String[] cells = raw[i].split("\t", -1);
            block.add(cells);
            boolean complete = i < raw.length - 1;
            // A finished line of one cell has no bearing on the columns after it: the writer flushes there.
            if (complete && cells.length == 1) {
                emit(block, out, true);
                block.clear();
            }
        }
        if (!block.isEmpty()) {
            emit(block, out, false);
        }
        return out.toString();
    }

    /** @param lastComplete whether the block's last line ended in a newline */
    private void emit(List<String[]> lines, StringBuilder out, boolean lastComplete) {
        List<Integer> widths = new ArrayList<>();
        columns(lines, 0, lines.size(), widths, out, lastComplete);
    }

    /** Sizes the column after {@code widths} over each run of lines that has it, then the columns right of it. */
    private void columns(List<String[]> lines, int line0, int line1, List<Integer> widths, StringBuilder out,
                         boolean lastComplete) {
        int column = widths.size();
        for (int at = line0; at < line1; at++) {
            if (column >= lines.get(at).length - 1) {
                continue;
            }
            write(lines, line0, at, widths, out, lastComplete);
            line0 = at;
            int width = minWidth;
            for (; at < line1 && column < lines.get(at).length - 1; at++) {
                width = Math.max(width, cellWidth(lines.get(at)[column]) + padding);
            }
            widths.add(width);
            columns(lines, line0, at, widths, out, lastComplete);
            widths.remove(widths.size() - 1);
            line0 = at;
        }
        write(lines, line0, line1, widths, out, lastComplete);
    }

    private static void write(List<String[]> lines, int line0, int line1, List<Integer> widths, StringBuilder out,
                              boolean lastComplete) {
        for (int i = line0; i < line1; i++) {
            String[] cells = lines.get(i);
            for (int j = 0; j < cells.length; j++) {
                out.append(cells[j]);
                if (j < widths.size()) {
                    out.append(" ".repeat(widths.get(j) - cellWidth(cells[j])));
                }
            }
            if (i < lines.size() - 1 || lastComplete) {
                out.append('\n');
            }
        }
    }

    /** Go counts a cell's width in runes (code points), not bytes. */
    private static int cellWidth(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}
