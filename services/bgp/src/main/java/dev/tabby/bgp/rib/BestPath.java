package dev.tabby.bgp.rib;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The decision of RFC 4271 9.1.2.2 in BIRD's order (BIRD 1.6 bgp_rte_better, which Calico v3.18 runs): each step
 * keeps only the routes best on it, then the next step breaks the remaining tie.
 * <ol>
 * <li>highest LOCAL_PREF (effective: 100 when absent or learned over eBGP);</li>
 * <li>shortest AS_PATH (an AS_SET counts 1);</li>
 * <li>lowest ORIGIN (IGP, EGP, INCOMPLETE);</li>
 * <li>lowest MED, compared only among routes from the same neighbouring AS (RFC 4271 9.1.2.2 c; BIRD's default
 * "med metric off"): MEDs are set by different ASes by different rules, so comparing them across ASes means nothing.
 * Done as RFC 4271's elimination over all candidates, so the result does not depend on arrival order (BIRD's
 * "deterministic med on");</li>
 * <li>eBGP over iBGP;</li>
 * <li>lowest IGP cost to the next hop: skipped, all equal (Tabby's next hops are directly connected);</li>
 * <li>lowest BGP identifier, ORIGINATOR_ID standing in for it when present (RFC 4456 9);</li>
 * <li>shortest CLUSTER_LIST (RFC 4456 9);</li>
 * <li>lowest peer address.</li>
 * </ol>
 */
public final class BestPath {
    private BestPath() {
    }

    /** The best of the candidates, or null when there are none. */
    public static Route best(Collection<Route> candidates) {
        if (candidates.isEmpty()) {
            return null;
        }
        List<Route> left = new ArrayList<>(candidates);
        left = keepMin(left, r -> -r.attributes().localPref());
        left = keepMin(left, r -> r.attributes().asPathLength());
        left = keepMin(left, r -> r.attributes().origin());
        left = keepLowestMedPerNeighbourAs(left);
        if (left.stream().anyMatch(r -> !r.peer().ibgp())) {
            left = keep(left, r -> !r.peer().ibgp());
        }
        left = keepMin(left, BestPath::routerId);
        left = keepMin(left, r -> r.attributes().clusterList().size());
        return left.stream().min(Comparator.comparing(r -> r.peer().address(), BestPath::compareAddresses))
                .orElseThrow();
    }

    /** RFC 4271 9.1.2.2 c: drop a route when one from the same neighbouring AS has a lower MED. */
    private static List<Route> keepLowestMedPerNeighbourAs(List<Route> routes) {
        return keep(routes, r -> {
            long as = neighbourAs(r);
            long med = r.attributes().effectiveMed();
            return routes.stream().noneMatch(o -> neighbourAs(o) == as && o.attributes().effectiveMed() < med);
        });
    }

    static long neighbourAs(Route r) {
        return r.attributes().neighbourAs(r.peer().as());
    }

    /** RFC 4456 9: ORIGINATOR_ID takes the place of the peer's BGP identifier; unsigned 32-bit comparison. */
    static long routerId(Route r) {
        InetAddress id = r.attributes().originatorId() != null ? r.attributes().originatorId() : r.peer().bgpId();
        byte[] b = id.getAddress();
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    /** Unsigned octet order; an IPv4 address sorts before an IPv6 one. */
    static int compareAddresses(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        return Arrays.compareUnsigned(x, y);
    }

    private static List<Route> keepMin(List<Route> routes, ToLongFunction<Route> key) {
        if (routes.size() < 2) {
            return routes;
        }
        long min = routes.stream().mapToLong(key).min().orElseThrow();
        return keep(routes, r -> key.applyAsLong(r) == min);
    }

    private static List<Route> keep(List<Route> routes, Predicate<Route> test) {
        if (routes.size() < 2) {
            return routes;
        }
        return routes.stream().filter(test).toList();
    }
}
