package dev.tabby.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest under {@code bad/} is refused, and its first problem reads exactly as the line
 * {@code # expect: ...} at the top of the file says. The first line of the error is what an operator sees.
 */
class BadManifestCorpusTest {
    private static final String EXPECT = "# expect: ";

    static Stream<Path> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(BadManifestCorpusTest.class.getResource("/bad").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 40, "the corpus must hold at least 40 bad manifests, has " + files.size());
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithTheExpectedError(Path file) throws IOException {
        String contents = Files.readString(file);
        String expected = contents.lines().filter(l -> l.startsWith(EXPECT)).findFirst()
                .map(l -> l.substring(EXPECT.length())).orElse(null);
        // The expectation line is not part of the manifest: line numbers and JSON detection see what follows it.
        String text = contents.substring(contents.indexOf('\n') + 1);
        ManifestException e = assertThrows(ManifestException.class, () -> ResourceCodec.read(text),
                () -> file.getFileName() + " was accepted");
        assertEquals(expected, e.problems().get(0), () -> file.getFileName() + ": all problems " + e.problems());
    }
}
