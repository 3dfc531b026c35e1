package dev.tabby.charts;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A render of the chart, parsed into fabric8's Kubernetes objects. */
final class Rendered {
    final String text;
    final List<HasMetadata> objects;

    private Rendered(String text, List<HasMetadata> objects) {
        this.text = text;
        this.objects = objects;
    }

    static Rendered of(List<Path> valuesFiles, Map<String, ?> values) {
        String text = ChartRender.template(Checkout.chart(), valuesFiles, values);
        return new Rendered(text, parse(text));
    }

    static List<HasMetadata> parse(String text) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : text.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            objects.add(Serialization.unmarshal(doc, HasMetadata.class));
        }
        return objects;
    }

    /** DaemonSets by name. */
    Map<String, DaemonSet> daemonSets() {
        Map<String, DaemonSet> out = new TreeMap<>();
        for (HasMetadata o : objects) {
            if (o instanceof DaemonSet ds) {
                out.put(ds.getMetadata().getName(), ds);
            }
        }
        return out;
    }

    Optional<Job> job(String name) {
        return objects.stream().filter(o -> o instanceof Job && o.getMetadata().getName().equals(name))
                .map(o -> (Job) o).findFirst();
    }
}
