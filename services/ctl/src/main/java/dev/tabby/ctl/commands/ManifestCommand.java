package dev.tabby.ctl.commands;

import dev.tabby.ctl.Main;
import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.codec.Manifest;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * create, apply, replace and delete from a manifest. The whole manifest is read and validated before anything is
 * written; then each resource is checked against the datastore, and only then written, in document order.
 */
abstract class ManifestCommand implements Callable<Integer> {
    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", description = "manifest file (YAML or JSON), or - for standard input")
    String file;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    /** The past tense for the summary line: "created". */
    abstract String verb();

    /** Fails if this resource cannot be written as asked (absent for replace, present for create). */
    void precheck(ResourceStore store, Resource r) {
    }

    abstract Resource write(ResourceStore store, Resource r);

    @Override
    public Integer call() throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("-f FILE is required (use - for standard input)");
        }
        Manifest manifest = ResourceCodec.read(readInput());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        manifest.warnings().forEach(w -> err.println("tabbyctl: warning: " + w));
        List<Resource> resources = manifest.resources();
        try (Connection.Session session = main.connection().open()) {
            for (Resource r : resources) {
                precheck(session.store(), r);
            }
            int done = 0;
            for (Resource r : resources) {
                try {
                    write(session.store(), r);
                    done++;
                } catch (DatastoreException e) {
                    String partial = done == 0 ? "" : " (" + done + " of " + resources.size() + " " + verb() + " before it)";
                    throw new DatastoreException(e.getMessage() + partial, e);
                }
            }
        }
        out.println("Successfully " + verb() + " " + resources.size() + " resource(s): " + summary(resources));
        return 0;
    }

    private static String summary(List<Resource> resources) {
        return String.join(", ", resources.stream().map(r -> ResourceId.of(r).toString()).toList());
    }

    private String readInput() throws IOException {
        if (file.equals("-")) {
            InputStream in = System.in;
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            return Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("manifest " + file + " does not exist");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException("manifest " + file + " is not UTF-8 text");
        }
    }
}
