package dev.tabby.cni.plugin;

import java.util.Locale;
import java.util.logging.Level;

/**
 * Logging for the daemon and the in-process plugin: jboss-logging over java.util.logging, one line per event on
 * stderr (stdout belongs to the CNI result). Call before the first logger is made: jboss-logging picks its backend
 * once.
 */
public final class LogSetup {
    private LogSetup() {
    }

    /** @param level a CNI log_level (debug, info, warning, error, none); null or unknown: {@code fallback} */
    public static void configure(String level, String fallback) {
        System.setProperty("org.jboss.logging.provider", "jdk");
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s %5$s%6$s%n");
        Level jul = levelOf(level == null || level.isBlank() ? fallback : level.toLowerCase(Locale.ROOT));
        if (jul == null) {
            jul = levelOf(fallback);
        }
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(jul);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(jul);
        }
    }

    private static Level levelOf(String level) {
        return switch (level) {
            case "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "warning", "warn" -> Level.WARNING;
            case "error", "fatal", "panic" -> Level.SEVERE;
            case "none" -> Level.OFF;
            default -> null;
        };
    }
}
