package dev.tabby.cni.plugin;

import dev.tabby.cni.client.Frames;

/** One plugin's whole contract: the runtime's environment and stdin in, stdout, stderr and an exit code out. */
public interface PluginHandler {
    Frames.Reply handle(Frames.Request request);
}
