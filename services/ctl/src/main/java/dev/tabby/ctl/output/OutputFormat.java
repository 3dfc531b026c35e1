package dev.tabby.ctl.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code -o} of {@code get}, as calicoctl/commands/get.go reads it: {@code ps} (default), {@code wide},
 * {@code yaml} (or {@code yml}), {@code json}, {@code custom-columns=H1,H2}, {@code go-template=TEXT},
 * {@code go-template-file=FILE}; and Tabby's {@code name} ({@code kind/name} per line, as kubectl prints it).
 * A template is parsed here, so a bad one fails before the datastore is asked anything.
 */
public record OutputFormat(Type type, List<String> columns, GoTemplate template) {
    public enum Type { PS, WIDE, YAML, JSON, NAME, CUSTOM_COLUMNS, GO_TEMPLATE }

    /** @throws IllegalArgumentException in calicoctl's words, e.g. {@code unrecognized output format 'xml'} */
    public static OutputFormat parse(String text) {
        switch (text) {
            case "ps":
                return of(Type.PS);
            case "wide":
                return of(Type.WIDE);
            case "yaml":
            case "yml":
                return of(Type.YAML);
            case "json":
                return of(Type.JSON);
            case "name":
                return of(Type.NAME);
            default:
                break;
        }
        // get.go: a key=value format; the value of custom-columns is split on ",".
        int eq = text.indexOf('=');
        String key = eq < 0 ? text : text.substring(0, eq);
        String value = eq < 0 ? "" : text.substring(eq + 1);
        switch (key) {
            case "go-template":
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("need to specify a template");
                }
                return new OutputFormat(Type.GO_TEMPLATE, List.of(), GoTemplate.parse(value));
            case "go-template-file":
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("need to specify a template file");
                }
                return new OutputFormat(Type.GO_TEMPLATE, List.of(), GoTemplate.parse(read(value)));
            case "custom-columns":
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("need to specify at least one column");
                }
                return new OutputFormat(Type.CUSTOM_COLUMNS, List.of(value.split(",", -1)), null);
            default:
                throw new IllegalArgumentException("unrecognized output format '" + text + "'; use one of ps, wide, "
                        + "yaml, json, name, custom-columns=..., go-template=..., go-template-file=...");
        }
    }

    private static OutputFormat of(Type type) {
        return new OutputFormat(type, List.of(), null);
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("go-template-file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read go-template-file " + file + ": " + e.getMessage());
        }
    }
}
