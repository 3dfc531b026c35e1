package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceExistsException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Names;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.Rule;
import dev.tabby.model.validation.Problems;
import dev.tabby.model.validation.ResourceValidator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The Profile named after the network that Calico's plugin gives a workload outside Kubernetes
 * (cni-plugin release-v3.18 pkg/plugin/plugin.go cmdAdd, "Handle profile creation"): ingress allowed from members of
 * the network, egress allowed, and every member labelled with the network's name. So workloads on one network reach
 * each other once policy is enforced, and nothing else reaches them unless a policy says so.
 *
 * <p>Created only when missing and never updated, as Calico does: an operator may have edited it. Only when the
 * configuration has no {@code policy.type}, again as Calico does.
 */
final class NetworkProfile {
    private static final Logger LOG = Logger.getLogger(NetworkProfile.class);

    private NetworkProfile() {
    }

    /** Whether this ADD creates the network's Profile when it is missing. */
    static boolean applies(Workload w, NetConf conf) {
        return !w.isKubernetes() && conf.policyType() == null;
    }

    /** Refuses, before anything is created, a network name that cannot be the label the Profile applies. */
    static void checkName(String network) {
        String why = Names.checkLabelKey(network);
        if (why != null) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "the network name \"" + network + "\" " + why
                    + "; outside Kubernetes the network's Profile labels its members with it (as Calico's plugin does);"
                    + " rename the network, or set policy.type to manage policy yourself");
        }
    }

    /** Calico's rules, field for field: {@code Ingress: [{Action: Allow, Source: {Selector: has(<network>)}}]}. */
    static Profile of(String network) {
        Rule allowFromMembers = new Rule("Allow", null, null, null, null, null,
                new Rule.EntityRule(null, null, "has(" + network + ")", null, null, null, null, null), null, null, null);
        Rule allow = new Rule("Allow", null, null, null, null, null, null, null, null, null);
        return new Profile(ObjectMeta.named(network), new Profile.Spec(List.of(allowFromMembers), List.of(allow),
                Map.of(network, "")));
    }

    /** Creates the Profile unless it exists; another ADD creating it meanwhile is as good. True if this call made it. */
    static boolean ensure(ResourceStore store, String network) {
        if (store.get(new ResourceId(Kind.PROFILE, null, network)).isPresent()) {
            return false;
        }
        Problems problems = new Problems();
        Resource valid = ResourceValidator.validate(of(network), problems);
        if (problems.hasErrors()) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "the Profile for network " + network + " would be invalid: "
                    + problems.errors().stream().map(Object::toString).collect(Collectors.joining("; ")));
        }
        try {
            store.create(valid);
        } catch (ResourceExistsException raced) {
            return false;
        }
        LOG.infof("event=cni_profile_created profile=%s", network);
        return true;
    }
}
