package dev.tabby.cni.plugin;

import dev.tabby.cni.client.Frames;
import dev.tabby.cni.spec.CniEnv;
import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.CniResult;
import dev.tabby.cni.spec.CniVersions;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.ipam.AssignedAddress;
import dev.tabby.model.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The {@code tabby-ipam} plugin, for any CNI plugin's {@code ipam} section: ADD returns addresses with their block's
 * prefix length (10.65.3.7/26, as calico-ipam does; Tabby's own plugin narrows them to /32), held under handle
 * {@code <network name>.<container id>}, a repeated ADD the same ones; DEL
 * releases the handle; CHECK confirms the handle still holds prevResult's addresses.
 */
public final class IpamPlugin implements PluginHandler {
    private static final Logger LOG = Logger.getLogger(IpamPlugin.class);
    private static final NetConf.IpamConf DEFAULTS = new NetConf.IpamConf(CniPlugin.TYPE_IPAM, true, null, List.of(), List.of());

    private final PluginContext context;

    public IpamPlugin(PluginContext context) {
        this.context = context;
    }

    @Override
    public Frames.Reply handle(Frames.Request request) {
        String version = NetConf.versionOrDefault(request.stdin());
        try {
            CniEnv env = CniEnv.parse(request.env());
            if (env.command().equals("VERSION")) {
                return Frames.Reply.of(0, CniResult.versionJson(version), "");
            }
            NetConf conf = withIpamDefaults(NetConf.parse(request.stdin()));
            version = conf.cniVersion();
            env.requireContainer();
            Map<String, String> callEnv = request.env();
            Workload w = Workload.of(conf.name(), context.nodeName(conf, callEnv), env);
            Datastores.Datastore ds = context.datastore(conf, callEnv);
            TabbyAddresses addresses = new TabbyAddresses(ds.ipam());
            String out = switch (env.command()) {
                case "ADD" -> {
                    AddressSource.Lease lease = addresses.acquire(w, conf, env, () -> PoolView.read(ds, w.node()));
                    LOG.infof("event=ipam_add handle=%s addresses=%s fresh=%s", w.ipamHandle(), lease.asAssigned(), lease.fresh());
                    List<CniResult.IpConfig> ips = new ArrayList<>();
                    lease.asAssigned().forEach(a -> ips.add(new CniResult.IpConfig(a, null, null)));
                    yield new CniResult(List.of(), ips, List.of()).toJson(conf.cniVersion());
                }
                case "DEL" -> {
                    addresses.release(w, conf, env);
                    LOG.infof("event=ipam_del handle=%s", w.ipamHandle());
                    yield "";
                }
                case "CHECK" -> check(w, conf, ds);
                default -> throw new IllegalStateException(env.command());
            };
            return Frames.Reply.of(0, out, "");
        } catch (RuntimeException e) {
            CniError ce = Failures.toCniError(e, String.valueOf(request.env().get("CNI_COMMAND")));
            return Frames.Reply.of(1, CniResult.errorJson(version, ce), "");
        }
    }

    private static String check(Workload w, NetConf conf, Datastores.Datastore ds) {
        if (!CniVersions.allowsCheck(conf.cniVersion())) {
            throw new CniError(CniError.INCOMPATIBLE_VERSION, "CHECK needs cniVersion 0.4.0 or later; the configuration says "
                    + conf.cniVersion());
        }
        if (conf.prevResult() == null) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "CHECK needs prevResult: the result of the ADD to check");
        }
        List<String> held = ds.ipam().addressesOf(w.ipamHandle()).stream().map(AssignedAddress::address).map(Object::toString).toList();
        List<String> missing = new ArrayList<>();
        for (CniResult.IpConfig ip : CniResult.fromJson(conf.prevResult()).ips()) {
            Cidr c = ip.address();
            if (!held.contains(c.address().toString())) {
                missing.add(c.address().toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new CniError(CniError.CHECK_MISMATCH, "IPAM handle " + w.ipamHandle() + " no longer holds " + missing
                    + " (it holds " + held + ")");
        }
        return "";
    }

    /** Used as a main plugin's ipam, the section may hold only "type": the defaults fill in the rest. */
    private static NetConf withIpamDefaults(NetConf c) {
        if (c.ipam() != null) {
            return c;
        }
        return new NetConf(c.cniVersion(), c.name(), c.type(), DEFAULTS, c.mtu(), c.etcdEndpoints(), c.etcdCaCertFile(),
                c.etcdCertFile(), c.etcdKeyFile(), c.nodename(), c.nodenameFile(), c.logLevel(), c.policyType(),
                c.policySetupTimeoutSeconds(), c.prevResult(), c.raw());
    }
}
