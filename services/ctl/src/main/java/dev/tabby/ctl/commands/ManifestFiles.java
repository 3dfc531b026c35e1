package dev.tabby.ctl.commands;

import dev.tabby.model.codec.Manifest;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The resources named by {@code -f}: one file, standard input ({@code -}), or every .yaml, .yml and .json file of a
 * directory (its subdirectories too with {@code --recursive}), as calicoctl/commands/file/iter.go walks them: in
 * lexical order, descending into a subdirectory where it stands. Unlike calicoctl, which writes file by file and
 * stops at the first bad one, every file is read and validated before anything is written.
 */
final class ManifestFiles {
    /** ResourceCodec's one problem for a manifest without a single resource. */
    private static final String EMPTY = "the manifest holds no resources";

    record Read(List<Resource> resources, List<String> warnings) {
    }

    private ManifestFiles() {
    }

    /**
     * @throws CommandFailedException in calicoctl's words: "Failed to execute command: ..." for a file that cannot
     *                                be read or is invalid; "No resources specified in file|directory ..." when
     *                                empty and not {@code skipEmpty} (common/resources.go ExecuteConfigCommand)
     */
    static Read read(String filename, boolean recursive, boolean skipEmpty, String namespace, InputStream stdin) {
        boolean directory = !filename.equals("-") && Files.isDirectory(Path.of(filename));
        List<String> files = directory ? walk(Path.of(filename), recursive) : List.of(filename);
        List<Resource> resources = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String firstEmpty = null;
        for (String f : files) {
            // Inside a directory, name the file in front of "document N ...": the document alone is ambiguous.
            String where = directory ? f + ": " : "";
            try {
                Manifest m = ResourceCodec.read(text(f, stdin), namespace);
                resources.addAll(m.resources());
                m.warnings().forEach(w -> warnings.add(where + w));
            } catch (ManifestException e) {
                if (e.problems().equals(List.of(EMPTY))) {
                    firstEmpty = firstEmpty == null ? f : firstEmpty;
                } else {
                    e.problems().forEach(p -> problems.add(where + p));
                }
            } catch (UnreadableException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new CommandFailedException("Failed to execute command: " + String.join("\n  ", problems));
        }
        if (!skipEmpty && firstEmpty != null) {
            throw new CommandFailedException("No resources specified in file " + firstEmpty);
        }
        if (!skipEmpty && resources.isEmpty()) {
            throw new CommandFailedException("No resources specified in directory " + filename);
        }
        return new Read(resources, warnings);
    }

    private static List<String> walk(Path dir, boolean recursive) {
        List<String> out = new ArrayList<>();
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new CommandFailedException("Failed to execute command: cannot list directory " + dir + ": " + e.getMessage());
        }
        for (Path p : entries) {
            if (Files.isDirectory(p)) {
                if (recursive) {
                    out.addAll(walk(p, true));
                }
                continue;
            }
            String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
                out.add(p.toString());
            }
        }
        return out;
    }

    private static String text(String file, InputStream stdin) {
        try {
            if (file.equals("-")) {
                return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            }
            return Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new UnreadableException("manifest " + file + " does not exist");
        } catch (MalformedInputException e) {
            throw new UnreadableException("manifest " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UnreadableException("manifest " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static final class UnreadableException extends RuntimeException {
        UnreadableException(String message) {
            super(message);
        }
    }
}
