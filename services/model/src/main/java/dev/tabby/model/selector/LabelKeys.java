package dev.tabby.model.selector;

/**
 * Label-key syntax in a selector, as Calico v3.18's tokenizer has it ({@code lib/selector/tokenizer/tokenizer.go},
 * {@code LabelKeyMatcher = [a-zA-Z0-9_./-]{1,512}}). Calico applies no further rule to a key in a selector (a
 * label's own key is checked where the label is written), so neither does Tabby: every selector Calico accepts is
 * accepted, including keys such as {@code calico/k8s_ns/role} that no Kubernetes label could carry.
 */
final class LabelKeys {

    static final int MAX_KEY_LENGTH = 512;
    private static final int MAX_ECHOED_KEY = 80;

    /** A problem with a key: {@code offset} is relative to the start of the key. */
    record Problem(int offset, String reason) {
    }

    private LabelKeys() {
    }

    /** True for the characters a label key is scanned from. */
    static boolean isKeyChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '/' || c == '-';
    }

    /** The problem with {@code key} (a run of key characters), or {@code null} if Calico's tokenizer takes it. */
    static Problem check(String key) {
        if (key.length() > MAX_KEY_LENGTH) {
            // Calico's tokenizer takes 512 characters as the key and then finds no operator.
            String shown = key.substring(0, MAX_ECHOED_KEY) + "...";
            return new Problem(MAX_KEY_LENGTH, "invalid label key '" + shown + "': longer than " + MAX_KEY_LENGTH
                    + " characters");
        }
        return null;
    }
}
