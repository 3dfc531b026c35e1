package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * -h/--help on every command, and usage errors that name their command and exit 1 (calicoctl/calicoctl.go and each
 * calicoctl/commands/*.go: "-h --help  Show this screen."; a docopt usage error exits 1). No etcd: help and usage
 * errors must not need one, so the endpoint is one where nothing listens.
 */
class TabbyctlHelpTest {
    private final Tabbyctl ctl = new Tabbyctl("http://127.0.0.1:1");

    /** Every command path of the tree, found from the tree itself so that a command added later is covered too. */
    private static List<List<String>> commandPaths() {
        List<List<String>> out = new ArrayList<>();
        collect(new CommandLine(new Main()), new ArrayList<>(), out);
        return out;
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            collect(sub, p, out);
        });
    }

    @Test
    void everyCommandPrintsItsUsageForHelpAndExitsZero() {
        List<List<String>> paths = commandPaths();
        assertTrue(paths.size() >= 15, "the tree was walked: " + paths);
        for (List<String> path : paths) {
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                Tabbyctl.Result r = ctl.run(args.toArray(String[]::new));
                String label = String.join(" ", args);
                assertEquals(0, r.exitCode(), label + "\n" + r);
                assertEquals("", r.err(), label);
                String qualified = String.join(" ", List.of("tabbyctl", String.join(" ", path))).strip();
                assertTrue(r.out().lines().anyMatch(l -> l.startsWith("Usage: " + qualified)), label + "\n" + r);
                assertTrue(r.out().contains("-h, --help"), label + "\n" + r);
            }
        }
    }

    @Test
    void rootHelpListsEveryCommand() {
        Tabbyctl.Result r = ctl.run("--help");
        assertEquals(0, r.exitCode());
        for (String command : List.of("create", "replace", "apply", "delete", "get", "label", "ipam", "node",
                "policy", "version")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + command + " ")), command + " missing:\n" + r.out());
        }
    }

    @Test
    void manifestCommandsShowCalicoctlsOptions() {
        // Flag names and texts from calicoctl/commands/create.go and delete.go.
        String create = ctl.run("create", "--help").out();
        assertTrue(create.contains("-f, --filename=<FILENAME>"), create);
        assertTrue(create.contains("-R, --recursive"), create);
        assertTrue(create.contains("Process the filename specified in -f or --filename"), create);
        assertTrue(create.contains("--skip-empty"), create);
        assertTrue(create.contains("--skip-exists   Skip over and treat as successful any attempts to create"), create);
        String delete = ctl.run("delete", "-h").out();
        assertTrue(delete.contains("-s, --skip-not-exists   Skip over and treat as successful, resources that"), delete);
    }

    @Test
    void usageErrorsNameTheirCommandAndExitOne() {
        Tabbyctl.Result unknownOption = ctl.run("create", "--frob");
        assertEquals(1, unknownOption.exitCode());
        assertEquals("", unknownOption.out());
        assertEquals("tabbyctl create: Unknown option: '--frob' (see 'tabbyctl create --help')\n", unknownOption.err());

        Tabbyctl.Result noFile = ctl.run("apply");
        assertEquals(1, noFile.exitCode());
        assertTrue(noFile.err().startsWith("tabbyctl apply: Missing required option: '--filename=<FILENAME>'"), noFile::toString);

        Tabbyctl.Result nested = ctl.run("node", "checksystem", "a", "b");
        assertEquals(1, nested.exitCode());
        assertTrue(nested.err().startsWith("tabbyctl node checksystem: "), nested::toString);

        Tabbyctl.Result deleteWhat = ctl.run("delete", "ippool");
        assertEquals(1, deleteWhat.exitCode());
        assertEquals("tabbyctl delete: say what to delete: -f <FILENAME>, or <KIND> <NAME>... (see 'tabbyctl delete --help')\n",
                deleteWhat.err());

        // calicoctl/calicoctl.go: `Unknown command: %q`
        Tabbyctl.Result unknownCommand = ctl.run("frob");
        assertEquals(1, unknownCommand.exitCode());
        assertTrue(unknownCommand.err().startsWith("tabbyctl: Unknown command: \"frob\"; one of create, replace, apply,"),
                unknownCommand::toString);

        Tabbyctl.Result none = ctl.run();
        assertEquals(1, none.exitCode());
        assertTrue(none.err().startsWith("tabbyctl: a command is required: one of create, "), none::toString);
    }
}
