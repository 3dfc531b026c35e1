package dev.tabby.policy.render;

import static dev.tabby.policy.render.Marks.hex;

/** iptables action fragments exactly as felix iptables/actions.go ToFragment writes them. */
public final class Actions {
    private Actions() {
    }

    public static final String RETURN = "--jump RETURN";
    public static final String DROP = "--jump DROP";
    public static final String ACCEPT = "--jump ACCEPT";

    public static String setMark(int mark) {
        return "--jump MARK --set-mark " + hex(mark) + "/" + hex(mark);
    }

    public static String setMaskedMark(int mark, int mask) {
        return "--jump MARK --set-mark " + hex(mark) + "/" + hex(mask);
    }

    public static String clearMark(int mark) {
        return "--jump MARK --set-mark 0/" + hex(mark);
    }

    public static String log(String prefix) {
        return "--jump LOG --log-prefix \"" + prefix + ": \" --log-level 5";
    }

    public static String jump(String chain) {
        return "--jump " + chain;
    }

    public static String gotoChain(String chain) {
        return "--goto " + chain;
    }
}
