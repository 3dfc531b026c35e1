package dev.tabby.ctl.commands;

import dev.tabby.model.v3.Kind;

/** Turns what an operator typed for a kind ({@code ippool}, {@code IPPools}, {@code gnp}) into a Kind. */
final class KindArgument {
    private KindArgument() {
    }

    static Kind parse(String text) {
        return Kind.byCliName(text).orElseThrow(() -> new IllegalArgumentException(
                "\"" + text + "\" is not a resource kind; one of " + Kind.allKindNames()));
    }
}
