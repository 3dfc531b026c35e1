package dev.tabby.ctl.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A table as calicoctl draws it with github.com/olekukonko/tablewriter's defaults ({@code ipam show}, {@code node
 * status}): borders of {@code +}, {@code -} and {@code |}, headers upper-cased and centred (the odd space on the
 * right), cells that are numbers right-aligned and others left-aligned, and a cell longer than 30 columns wrapped
 * at spaces over several lines, balanced as tablewriter's WrapString balances them.
 */
public final class BoxTable {
    private static final int MAX_WIDTH = 30;
    private static final int PENALTY = 100000;
    /** tablewriter's decimal test for right alignment. */
    private static final Pattern DECIMAL = Pattern.compile("^-?(?:\\d{1,3}(?:,\\d{3})*|\\d+)(?:\\.\\d+)?$");

    private BoxTable() {
    }

    public static String render(List<String> headers, List<List<String>> rows) {
        List<List<List<String>>> wrapped = new ArrayList<>();
        for (List<String> row : rows) {
            List<List<String>> cells = new ArrayList<>();
            for (String cell : row) {
                cells.add(wrap(cell == null ? "" : cell));
            }
            wrapped.add(cells);
        }
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<List<String>> row : wrapped) {
                for (String line : row.get(i)) {
                    widths[i] = Math.max(widths[i], line.length());
                }
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, widths);
        out.append('|');
        for (int i = 0; i < widths.length; i++) {
            out.append(' ').append(centre(headers.get(i).toUpperCase(Locale.ROOT), widths[i])).append(" |");
        }
        out.append('\n');
        line(out, widths);
        for (List<List<String>> row : wrapped) {
            int height = row.stream().mapToInt(List::size).max().orElse(1);
            for (int l = 0; l < height; l++) {
                out.append('|');
                for (int i = 0; i < widths.length; i++) {
                    String cell = l < row.get(i).size() ? row.get(i).get(l) : "";
                    String pad = " ".repeat(widths[i] - cell.length());
                    out.append(' ').append(DECIMAL.matcher(cell).matches() ? pad + cell : cell + pad).append(" |");
                }
                out.append('\n');
            }
        }
        line(out, widths);
        return out.toString();
    }

    private static void line(StringBuilder out, int[] widths) {
        out.append('+');
        for (int w : widths) {
            out.append("-".repeat(w + 2)).append('+');
        }
        out.append('\n');
    }

    /** tablewriter's Pad: the odd space goes to the right. */
    private static String centre(String s, int width) {
        int gap = width - s.length();
        int left = gap / 2;
        return " ".repeat(left) + s + " ".repeat(gap - left);
    }

    /**
     * tablewriter's WrapString: no wrap within 30 columns; beyond, the words are split into lines of at most 30 (or
     * the longest word) that minimise the sum of squared slack, not greedily.
     */
    static List<String> wrap(String s) {
        if (s.length() <= MAX_WIDTH) {
            return List.of(s);
        }
        String[] words = s.replace('\n', ' ').split(" ", -1);
        int limit = MAX_WIDTH;
        for (String w : words) {
            limit = Math.max(limit, w.length());
        }
        int n = words.length;
        int[][] length = new int[n][n];
        for (int i = 0; i < n; i++) {
            length[i][i] = words[i].length();
            for (int j = i + 1; j < n; j++) {
                length[i][j] = length[i][j - 1] + 1 + words[j].length();
            }
        }
        int[] cost = new int[n];
        int[] next = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            cost[i] = Integer.MAX_VALUE;
            if (length[i][n - 1] <= limit) {
                cost[i] = 0;
                next[i] = n;
                continue;
            }
            for (int j = i + 1; j < n; j++) {
                int slack = limit - length[i][j - 1];
                int c = slack * slack + cost[j];
                if (length[i][j - 1] > limit) {
                    c += PENALTY;
                }
                if (c < cost[i]) {
                    cost[i] = c;
                    next[i] = j;
                }
            }
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i = next[i]) {
            lines.add(String.join(" ", Arrays.copyOfRange(words, i, next[i])));
        }
        return lines;
    }
}
