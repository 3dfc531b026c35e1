package dev.tabby.cni.plugin;

import dev.tabby.cni.client.Frames;
import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.CniResult;
import dev.tabby.cni.spec.NetConf;
import java.util.Map;

/** The plugins by the name the runtime executed: {@code tabby-cni} (also plain {@code tabby}) and {@code tabby-ipam}. */
public final class Plugins implements PluginHandler {
    public static final String CNI = "tabby-cni";
    public static final String IPAM = "tabby-ipam";

    private final Map<String, PluginHandler> byName;

    public Plugins(PluginContext context) {
        CniPlugin cni = new CniPlugin(context);
        this.byName = Map.of(CNI, cni, "tabby", cni, IPAM, new IpamPlugin(context));
    }

    @Override
    public Frames.Reply handle(Frames.Request request) {
        PluginHandler h = byName.get(request.plugin());
        if (h == null) {
            CniError e = new CniError(CniError.INVALID_ENVIRONMENT, "no Tabby plugin named \"" + request.plugin()
                    + "\"; the launchers are tabby-cni and tabby-ipam");
            return Frames.Reply.of(1, CniResult.errorJson(NetConf.versionOrDefault(request.stdin()), e), "");
        }
        return h.handle(request);
    }
}
