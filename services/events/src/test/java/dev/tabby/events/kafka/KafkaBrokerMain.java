package dev.tabby.events.kafka;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The operator's handle on a {@link KafkaBroker} that outlives the command (scripts/kafka.sh, {@code bin/tabby kafka}):
 * {@code start --dir DIR --port PORT}, {@code stop --dir DIR}, {@code kill --dir DIR}, {@code status --dir DIR}.
 * The broker's PID is in DIR/broker.pid; stop and kill signal that PID only when it is still a Kafka broker.
 * Exit codes: 0 done, 1 failed, 2 bad usage, 3 (status) not running.
 */
public final class KafkaBrokerMain {
    private static final String USAGE = "usage: KafkaBrokerMain start --dir DIR --port PORT | stop --dir DIR"
            + " | kill --dir DIR | status --dir DIR";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println(USAGE);
            return 2;
        }
        String command = args[0];
        Path dir = null;
        int port = -1;
        for (int i = 1; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--dir" -> dir = value == null ? null : Path.of(value);
                case "--port" -> port = parsePort(value);
                default -> {
                    System.err.println("tabby: error: kafka unknown argument '" + args[i] + "'; " + USAGE);
                    return 2;
                }
            }
            i++;
        }
        if (dir == null) {
            System.err.println("tabby: error: kafka " + command + " needs --dir DIR; " + USAGE);
            return 2;
        }
        OptionalLong running = KafkaBroker.runningPid(dir);
        try {
            switch (command) {
                case "start" -> {
                    if (port < 1) {
                        System.err.println("tabby: error: kafka start needs --port PORT (1-65535); " + USAGE);
                        return 2;
                    }
                    if (running.isPresent()) {
                        System.out.println("tabby: kafka already running pid=" + running.getAsLong() + " dir=" + dir);
                        return 0;
                    }
                    KafkaBroker b = KafkaBroker.startDetached(dir, port);
                    System.out.println("tabby: kafka started pid=" + b.pid() + " bootstrap=" + b.bootstrap() + " dir="
                            + b.dir() + " log=" + b.logFile());
                    return 0;
                }
                case "stop", "kill" -> {
                    if (running.isEmpty()) {
                        System.out.println("tabby: kafka not running dir=" + dir);
                        return 0;
                    }
                    boolean kill = command.equals("kill");
                    if (kill ? KafkaBroker.killPid(running.getAsLong()) : KafkaBroker.stopPid(running.getAsLong())) {
                        System.out.println("tabby: kafka " + (kill ? "killed" : "stopped") + " pid=" + running.getAsLong());
                    }
                    return 0;
                }
                case "status" -> {
                    if (running.isEmpty()) {
                        System.out.println("tabby: kafka not running dir=" + dir);
                        return 3;
                    }
                    System.out.println("tabby: kafka running pid=" + running.getAsLong() + " dir=" + dir);
                    return 0;
                }
                default -> {
                    System.err.println("tabby: error: kafka unknown command '" + command + "'; " + USAGE);
                    return 2;
                }
            }
        } catch (RuntimeException e) {
            System.err.println("tabby: error: kafka " + e.getMessage());
            return 1;
        }
    }

    private static int parsePort(String value) {
        try {
            int p = Integer.parseInt(value);
            return p >= 1 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
