package dev.tabby.ctl.commands;

import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;

/**
 * {@code get --export}: the resource without what ties it to this cluster, as calicoctl v3.18 strips it
 * (calicoctl/commands/common/resources.go ExecuteConfigCommand): namespace, uid, resourceVersion and
 * creationTimestamp. (calicoctl also clears deletionTimestamp, deletionGracePeriodSeconds and clusterName, which
 * Tabby never holds.) Name, labels, annotations and the spec stay.
 */
final class GetExport {
    private GetExport() {
    }

    static Resource strip(Resource r) {
        ObjectMeta m = r.metadata();
        return r.withMetadata(new ObjectMeta(m.name(), null, null, null, null, m.labels(), m.annotations(),
                m.generation(), m.ownerReferences(), m.finalizers()));
    }
}
