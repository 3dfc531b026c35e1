package dev.tabby.renderer.state;

/** One iptables table of one IP version: {@code (4, filter)}, {@code (6, raw)}, ... */
public record TableKey(int ipVersion, String table) implements Comparable<TableKey> {
    public static final String FILTER = "filter";
    public static final String RAW = "raw";
    public static final String MANGLE = "mangle";
    public static final String NAT = "nat";
    public static final java.util.List<String> TABLES = java.util.List.of(RAW, MANGLE, NAT, FILTER);

    @Override
    public int compareTo(TableKey o) {
        int c = Integer.compare(ipVersion, o.ipVersion);
        return c != 0 ? c : table.compareTo(o.table);
    }

    @Override
    public String toString() {
        return (ipVersion == 6 ? "ip6tables " : "iptables ") + table;
    }
}
