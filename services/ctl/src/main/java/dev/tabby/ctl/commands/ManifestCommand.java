package dev.tabby.ctl.commands;

import dev.tabby.ctl.Main;
import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceExistsException;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.datastore.resource.ResourceRefusedException;
import dev.tabby.model.v3.Resource;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * create, apply, replace and delete from manifests, as calicoctl's ExecuteConfigCommand
 * (calicoctl/commands/common/resources.go) does, with Tabby's rule first: every file is read and validated whole
 * before anything is written. Then the resources are written in order, one by one; a write that fails for that
 * resource alone (it exists, it does not, it changed meanwhile, a rule of Calico's client refuses it) is reported
 * for it and the others are still written, as calicoctl continues for create, apply and delete. replace stops at
 * its first failure.
 */
abstract class ManifestCommand implements Callable<Integer> {
    // Option texts from calicoctl/commands/create.go (apply.go, replace.go and delete.go say the same).
    @Option(names = {"-f", "--filename"}, paramLabel = "<FILENAME>", description = {
            "Filename to use to ${COMMAND-NAME} the resource. If set to \"-\" loads from stdin. If filename is a "
                    + "directory, this command is invoked for each .json .yaml and .yml file within that directory "
                    + "(all of them are validated before any is written)."})
    String file;

    @Option(names = {"-R", "--recursive"}, description = "Process the filename specified in -f or --filename recursively.")
    boolean recursive;

    @Option(names = "--skip-empty", description = "Do not error if any files or directory specified using -f or "
            + "--filename contain no data.")
    boolean skipEmpty;

    /** calicoctl: "Namespace of the resource. ... Uses the default namespace if not specified." */
    @Mixin
    NamespaceOption namespace;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    abstract ConfigResults.Action action();

    /** Writes one resource; throws the datastore's exception when it cannot. */
    abstract void write(Connection.Session session, Resource r);

    /** Whether this failure counts as done (calicoctl's --skip-exists and --skip-not-exists). */
    boolean skip(DatastoreException e) {
        return false;
    }

    @Override
    public Integer call() {
        if (file == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--filename=<FILENAME>' "
                    + "(a manifest file, a directory of them, or - for standard input)");
        }
        ManifestFiles.Read read = ManifestFiles.read(file, recursive, skipEmpty, namespace.namespace, System.in);
        read.warnings().forEach(w -> spec.commandLine().getErr().println("tabbyctl: warning: " + w));
        List<Resource> resources = read.resources();
        ConfigResults results = new ConfigResults(action(), resources.stream().map(r -> r.kind().kindName()).toList(),
                false);
        PrintWriter out = spec.commandLine().getOut();
        if (!resources.isEmpty()) {
            try (Connection.Session session = main.connection().open()) {
                for (Resource r : resources) {
                    try {
                        write(session, r);
                        results.handled();
                    } catch (ResourceExistsException | ResourceNotFoundException | ResourceConflictException
                             | ResourceRefusedException e) {
                        if (skip(e)) {
                            results.handled();
                            continue;
                        }
                        results.failed(e);
                        if (action() == ConfigResults.Action.REPLACE) {
                            break;
                        }
                    } catch (DatastoreException e) {
                        // Not this resource's fault (etcd unavailable, say): the rest would fail the same way.
                        results.failed(e);
                        break;
                    }
                }
            }
        }
        results.report(out);
        return 0;
    }
}
