package dev.tabby.cni.spec;

import java.util.List;

/** The CNI spec versions Tabby's plugins speak, and what each allows. */
public final class CniVersions {
    public static final String CURRENT = "1.0.0";
    public static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0");

    private CniVersions() {
    }

    public static boolean isSupported(String version) {
        return SUPPORTED.contains(version);
    }

    /** CHECK arrived with 0.4.0. */
    public static boolean allowsCheck(String version) {
        return version.equals("0.4.0") || version.equals("1.0.0");
    }

    /** Before 1.0.0 each ips entry carried "version": "4" or "6". */
    public static boolean ipsCarryVersion(String version) {
        return version.startsWith("0.");
    }

    /** The error result for an unsupported version: code 1 and the list the runtime may choose from. */
    public static CniError unsupported(String version) {
        return new CniError(CniError.INCOMPATIBLE_VERSION, "cniVersion \"" + version
                + "\" is not supported by Tabby; use one of " + String.join(", ", SUPPORTED));
    }
}
