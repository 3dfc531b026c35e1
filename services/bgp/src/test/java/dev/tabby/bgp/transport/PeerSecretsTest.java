package dev.tabby.bgp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerSecretsTest {
    private static final String SECRET = "Sw0rdfish-for-peer-x";

    @TempDir
    Path dir;

    @Test
    void readsThePasswordWithItsTrailingNewlineStripped() throws Exception {
        Path file = keyFile("peer-x.key", SECRET + "\n", "rw-------");
        PeerSecrets.PasswordFile read = PeerSecrets.password("peer-x", annotation(file.toString())).orElseThrow();
        assertTrue(read.password().sameAs(bytes(SECRET)));
        assertEquals(file, read.path());
        assertTrue(read.warning().isEmpty(), () -> read.warning().get());
        assertFalse(read.toString().contains(SECRET), read.toString());
    }

    @Test
    void aCrLfLineEndingIsStrippedAndNoNewlineIsFineToo() throws Exception {
        assertTrue(read(keyFile("crlf.key", SECRET + "\r\n", "rw-------")).sameAs(bytes(SECRET)));
        assertTrue(read(keyFile("bare.key", SECRET, "r--------")).sameAs(bytes(SECRET)));
    }

    @Test
    void spacesArePartOfThePassword() throws Exception {
        assertTrue(read(keyFile("spaces.key", " a b \n", "rw-------")).sameAs(bytes(" a b ")));
    }

    @Test
    void eightyOctetsIsTheLongestPassword() throws Exception {
        assertEquals(80, read(keyFile("80.key", "k".repeat(80) + "\n", "rw-------")).length());
    }

    @Test
    void noAnnotationMeansNoPassword() throws Exception {
        assertTrue(PeerSecrets.password("peer-x", Map.of("other", "x")).isEmpty());
        assertTrue(PeerSecrets.password("peer-x", null).isEmpty());
    }

    @Test
    void relativePathIsRefused() {
        assertEquals("BGPPeer peer-x annotation bgp.tabby.dev/password-file \"etc/tabby/bgp/peer-x.key\" is not an "
                + "absolute path: give it from /, e.g. /etc/tabby/bgp/peer-x.key",
                refusal(annotation("etc/tabby/bgp/peer-x.key")));
    }

    @Test
    void blankPathIsRefused() {
        assertEquals("BGPPeer peer-x annotation bgp.tabby.dev/password-file is empty: give the absolute path of the "
                + "file holding the password", refusal(annotation(" ")));
    }

    @Test
    void missingFileIsRefused() {
        Path file = dir.resolve("absent.key");
        assertEquals("BGPPeer peer-x annotation bgp.tabby.dev/password-file: password file " + file
                + " does not exist: create it, or fix the annotation", refusal(annotation(file.toString())));
    }

    @Test
    void directoryIsRefused() {
        assertEquals("BGPPeer peer-x annotation bgp.tabby.dev/password-file: password file " + dir
                + " is a directory: name the file that holds the password", refusal(annotation(dir.toString())));
    }

    /**
     * A file that opens but cannot be read. The tests run as root, which reads any mode, so a mode-000 file would not
     * do; reading our own /proc/self/mem at offset 0 (never mapped) fails with EIO.
     */
    @Test
    void unreadableFileIsRefused() {
        assertEquals("BGPPeer peer-x annotation bgp.tabby.dev/password-file: password file /proc/self/mem cannot be "
                + "read: IOException", refusal(annotation("/proc/self/mem")));
    }

    @Test
    void emptyPasswordIsRefused() throws Exception {
        String expected = "BGPPeer peer-x annotation bgp.tabby.dev/password-file: password file %s holds no password: "
                + "write the password into it";
        Path empty = keyFile("empty.key", "", "rw-------");
        assertEquals(String.format(expected, empty), refusal(annotation(empty.toString())));
        Path newline = keyFile("newline.key", "\n", "rw-------");
        assertEquals(String.format(expected, newline), refusal(annotation(newline.toString())));
    }

    @Test
    void passwordOver80OctetsIsRefusedWithoutShowingIt() throws Exception {
        String tooLong = SECRET.repeat(5).substring(0, 81);
        Path file = keyFile("long.key", tooLong + "\n", "rw-------");
        String message = refusal(annotation(file.toString()));
        assertEquals("BGPPeer peer-x annotation bgp.tabby.dev/password-file: password file " + file + " holds a "
                + "password longer than 80 octets, the most TCP MD5 allows (TCP_MD5SIG_MAXKEYLEN): shorten it on both "
                + "peers", message);
        assertFalse(message.contains(SECRET.substring(0, 8)), message);
    }

    @Test
    void moreThanOneLineIsRefusedWithoutShowingIt() throws Exception {
        Path file = keyFile("two-lines.key", SECRET + "\n" + SECRET + "\n", "rw-------");
        String message = refusal(annotation(file.toString()));
        assertEquals("BGPPeer peer-x annotation bgp.tabby.dev/password-file: password file " + file + " holds more "
                + "than one line: the password is the first line alone, with at most one newline after it", message);
        assertFalse(message.contains(SECRET), message);
    }

    @Test
    void aFileOthersMayReadIsUsedWithAWarning() throws Exception {
        Path group = keyFile("group.key", SECRET + "\n", "rw-r-----");
        PeerSecrets.PasswordFile read = PeerSecrets.password("peer-x", annotation(group.toString())).orElseThrow();
        assertTrue(read.password().sameAs(bytes(SECRET)));
        assertEquals("BGPPeer peer-x annotation bgp.tabby.dev/password-file: password file " + group + " is readable "
                + "by its group: used anyway; chmod 600 it to keep the password to its owner", read.warning().get());

        Path world = keyFile("world.key", SECRET + "\n", "rw-r--r--");
        String warning = PeerSecrets.password("peer-x", annotation(world.toString())).orElseThrow().warning().get();
        assertTrue(warning.contains(" is readable by group and others: used anyway"), warning);
        assertFalse(warning.contains(SECRET), warning);
    }

    @Test
    void ttlSecurityHopsParses() throws Exception {
        assertEquals(OptionalInt.of(1), PeerSecrets.ttlSecurityHops("peer-x", hops("1")));
        assertEquals(OptionalInt.of(254), PeerSecrets.ttlSecurityHops("peer-x", hops("254")));
        assertEquals(OptionalInt.of(2), PeerSecrets.ttlSecurityHops("peer-x", hops(" 2 ")));
        assertEquals(OptionalInt.empty(), PeerSecrets.ttlSecurityHops("peer-x", Map.of()));
    }

    @Test
    void ttlSecurityHopsOutOfRangeOrNotANumberIsRefused() {
        String range = "\" is out of range: give 1..254 (1 for a directly connected peer)";
        String nan = "\" is not a number of hops: give 1..254 (1 for a directly connected peer)";
        String prefix = "BGPPeer peer-x annotation bgp.tabby.dev/ttl-security-hops \"";
        assertEquals(prefix + "0" + range, hopsRefusal("0"));
        assertEquals(prefix + "255" + range, hopsRefusal("255"));
        assertEquals(prefix + "99999999999" + range, hopsRefusal("99999999999"));
        assertEquals(prefix + "-1" + nan, hopsRefusal("-1"));
        assertEquals(prefix + "one" + nan, hopsRefusal("one"));
        assertEquals(prefix + "" + nan, hopsRefusal(""));
    }

    private PeerPassword read(Path file) throws PeerSecretException {
        return PeerSecrets.password("peer-x", annotation(file.toString())).orElseThrow().password();
    }

    private static String refusal(Map<String, String> annotations) {
        String message = assertThrows(PeerSecretException.class, () -> PeerSecrets.password("peer-x", annotations))
                .getMessage();
        assertFalse(message.contains(SECRET), message);
        assertFalse(message.contains("\n"), "one line: " + message);
        return message;
    }

    private static String hopsRefusal(String value) {
        return assertThrows(PeerSecretException.class, () -> PeerSecrets.ttlSecurityHops("peer-x", hops(value)))
                .getMessage();
    }

    private Path keyFile(String name, String content, String mode) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static Map<String, String> annotation(String path) {
        return Map.of(PeerSecrets.PASSWORD_FILE, path);
    }

    private static Map<String, String> hops(String value) {
        return Map.of(PeerSecrets.TTL_SECURITY_HOPS, value);
    }

    private static PeerPassword bytes(String text) {
        return PeerPassword.of(text.getBytes(StandardCharsets.UTF_8));
    }
}
