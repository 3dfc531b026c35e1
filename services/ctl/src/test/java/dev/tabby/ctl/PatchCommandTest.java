package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tabbyctl patch} against a real etcd, with calicoctl v3.18's messages (calicoctl/commands/patch.go:
 * "Successfully patched %d '%s' resource", "Hit error: %v") and its patch semantics
 * (calicoctl/resourcemgr/resourcemgr.go Patch: a strategic merge on the resource's JSON, then an update).
 */
class PatchCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    private static final String POOL_KEY = "/calico/resources/v3/projectcalico.org/ippools/pool-a";

    Tabbyctl ctl;
    Path dir;
    KeyValueStore kv;

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        ctl = new Tabbyctl(ETCD.config().endpointsText());
        dir = ETCD.scratchDir(info.getTestMethod().orElseThrow().getName());
        kv = KeyValueStore.connect(ETCD.config());
        kv.list("/calico/").entries().forEach(e -> kv.delete(e.key()));
        apply("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata:
                  name: pool-a
                  labels:
                    env: prod
                    team: net
                spec:
                  cidr: 10.40.0.0/16
                """);
    }

    @AfterEach
    void close() {
        kv.close();
    }

    private void apply(String manifest) throws IOException {
        Path f = Files.writeString(Files.createTempFile(dir, "m", ".yaml"), manifest);
        Tabbyctl.Result r = ctl.run("apply", "-f", f.toString());
        assertEquals(0, r.exitCode(), r::toString);
    }

    private KvEntry stored(String key) {
        return kv.get(key).orElseThrow();
    }

    private JsonNode storedTree(String key) throws IOException {
        return JsonMapper.builder().build().readTree(stored(key).value());
    }

    @Test
    void strategicMergeChangesOnlyWhatThePatchNamesAndKeepsTheLabels() throws IOException {
        Tabbyctl.Result r = ctl.run("patch", "ippool", "pool-a", "-p", "{\"spec\":{\"natOutgoing\":true}}");
        assertEquals(0, r.exitCode(), r::toString);
        // patch.go: fmt.Printf("Successfully patched %d '%s' resource\n", ...)
        assertEquals("Successfully patched 1 'IPPool' resource\n", r.out());
        assertEquals("", r.err());
        JsonNode tree = storedTree(POOL_KEY);
        assertTrue(tree.path("spec").path("natOutgoing").asBoolean(), tree::toString);
        assertEquals("10.40.0.0/16", tree.path("spec").path("cidr").asText());
        // calicoctl v3.18 lost the labels here (projectcalico/calico#4724, fixed by #6791); Tabby keeps them.
        assertEquals("prod", tree.path("metadata").path("labels").path("env").asText(), tree::toString);
        assertEquals("net", tree.path("metadata").path("labels").path("team").asText(), tree::toString);

        // null removes a key; the long option names work as calicoctl's.
        Tabbyctl.Result removed = ctl.run("patch", "ippools", "pool-a", "--patch", "{\"metadata\":{\"labels\":{\"team\":null}}}",
                "--type", "strategic");
        assertEquals(0, removed.exitCode(), removed::toString);
        JsonNode after = storedTree(POOL_KEY);
        assertFalse(after.path("metadata").path("labels").has("team"), after::toString);
        assertEquals("prod", after.path("metadata").path("labels").path("env").asText());
    }

    @Test
    void strategicDirectivesAndMergePatch() throws IOException {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkSet
                metadata:
                  name: blocked
                  labels: {a: "1", b: "2"}
                spec:
                  nets: [10.0.0.0/8, 192.168.0.0/16, 172.16.0.0/12]
                """);
        String key = "/calico/resources/v3/projectcalico.org/globalnetworksets/blocked";
        Tabbyctl.Result r = ctl.run("patch", "globalnetworkset", "blocked", "-p",
                "{\"spec\":{\"$deleteFromPrimitiveList/nets\":[\"192.168.0.0/16\"]},"
                        + "\"metadata\":{\"labels\":{\"$patch\":\"replace\",\"c\":\"3\"}}}");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("Successfully patched 1 'GlobalNetworkSet' resource\n", r.out());
        JsonNode tree = storedTree(key);
        assertEquals("[\"10.0.0.0/8\",\"172.16.0.0/12\"]", tree.path("spec").path("nets").toString());
        assertEquals("{\"c\":\"3\"}", tree.path("metadata").path("labels").toString());

        // A list is replaced whole, by either merge.
        Tabbyctl.Result merged = ctl.run("patch", "gns", "blocked", "-t", "merge", "-p", "{\"spec\":{\"nets\":[\"10.9.0.0/16\"]}}");
        assertEquals(0, merged.exitCode(), merged::toString);
        assertEquals("[\"10.9.0.0/16\"]", storedTree(key).path("spec").path("nets").toString());

        // RFC 7386 knows no directives: "$patch" is a field, and GlobalNetworkSet has no such field.
        long before = stored(key).modRevision();
        Tabbyctl.Result plain = ctl.run("patch", "gns", "blocked", "-t", "merge", "-p", "{\"metadata\":{\"labels\":{\"$patch\":\"delete\"}}}");
        assertEquals(1, plain.exitCode(), plain::toString);
        assertTrue(plain.err().startsWith("tabbyctl: Hit error: the patched GlobalNetworkSet \"blocked\" is not valid: "
                + "metadata.labels"), plain::toString);
        assertEquals(before, stored(key).modRevision(), "nothing was written");
    }

    @Test
    void jsonPatchOperations() throws IOException {
        Tabbyctl.Result r = ctl.run("patch", "ippool", "pool-a", "--type", "json", "-p",
                "[{\"op\":\"test\",\"path\":\"/spec/cidr\",\"value\":\"10.40.0.0/16\"},"
                        + "{\"op\":\"add\",\"path\":\"/metadata/labels/app.kubernetes.io~1name\",\"value\":\"tabby\"},"
                        + "{\"op\":\"remove\",\"path\":\"/metadata/labels/team\"},"
                        + "{\"op\":\"replace\",\"path\":\"/spec/disabled\",\"value\":true}]");
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode tree = storedTree(POOL_KEY);
        assertEquals("{\"app.kubernetes.io/name\":\"tabby\",\"env\":\"prod\"}", tree.path("metadata").path("labels").toString());
        assertTrue(tree.path("spec").path("disabled").asBoolean(), tree::toString);

        long before = stored(POOL_KEY).modRevision();
        Tabbyctl.Result failedTest = ctl.run("patch", "ippool", "pool-a", "-t", "json", "-p",
                "[{\"op\":\"replace\",\"path\":\"/spec/natOutgoing\",\"value\":true},"
                        + "{\"op\":\"test\",\"path\":\"/spec/cidr\",\"value\":\"10.99.0.0/16\"}]");
        assertEquals(1, failedTest.exitCode());
        assertEquals("tabbyctl: Hit error: JSON patch operation 1: test failed: /spec/cidr is \"10.40.0.0/16\", not "
                + "\"10.99.0.0/16\"\n", failedTest.err());
        Tabbyctl.Result missingPath = ctl.run("patch", "ippool", "pool-a", "-t", "json", "-p",
                "[{\"op\":\"remove\",\"path\":\"/spec/nodeSelector/x\"}]");
        assertEquals("tabbyctl: Hit error: JSON patch operation 0: path /spec/nodeSelector/x does not exist\n", missingPath.err());
        Tabbyctl.Result notAList = ctl.run("patch", "ippool", "pool-a", "-t", "json", "-p", "{\"spec\":{}}");
        assertEquals("tabbyctl: Hit error: a JSON patch (RFC 6902) must be a list of operations, not an object\n", notAList.err());
        assertEquals(before, stored(POOL_KEY).modRevision(), "no failed patch wrote anything");
    }

    /** RFC 6902 list operations: append with "-", insert at an index, move and copy, remove by index, in order. */
    @Test
    void jsonPatchListOperations() throws IOException {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkSet
                metadata: {name: lists, labels: {a: "1"}}
                spec: {nets: [10.1.0.0/16, 10.2.0.0/16]}
                """);
        Tabbyctl.Result r = ctl.run("patch", "gns", "lists", "-t", "json", "-p", """
                [{"op": "add", "path": "/spec/nets/-", "value": "10.3.0.0/16"},
                 {"op": "add", "path": "/spec/nets/0", "value": "10.9.0.0/16"},
                 {"op": "move", "from": "/spec/nets/0", "path": "/spec/nets/-"},
                 {"op": "remove", "path": "/spec/nets/1"},
                 {"op": "copy", "from": "/metadata/labels/a", "path": "/metadata/labels/b"}]""");
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode tree = storedTree("/calico/resources/v3/projectcalico.org/globalnetworksets/lists");
        assertEquals("[\"10.1.0.0/16\",\"10.3.0.0/16\",\"10.9.0.0/16\"]", tree.path("spec").path("nets").toString());
        assertEquals("{\"a\":\"1\",\"b\":\"1\"}", tree.path("metadata").path("labels").toString());

        Tabbyctl.Result past = ctl.run("patch", "gns", "lists", "-t", "json", "-p",
                "[{\"op\":\"add\",\"path\":\"/spec/nets/7\",\"value\":\"10.4.0.0/16\"}]");
        assertEquals("tabbyctl: Hit error: JSON patch operation 0: path /spec/nets/7: index 7 is past the end of the list\n",
                past.err());
    }

    @Test
    void badPatchesAreOneLineErrorsAndWriteNothing() {
        long before = stored(POOL_KEY).modRevision();

        Tabbyctl.Result badJson = ctl.run("patch", "ippool", "pool-a", "-p", "{\"spec\":{\"natOutgoing\":tru}}");
        assertEquals(1, badJson.exitCode());
        assertEquals("", badJson.out());
        assertTrue(badJson.err().startsWith("tabbyctl: Hit error: the patch is not valid JSON at column "), badJson::toString);
        assertEquals(1, badJson.err().lines().count(), badJson::toString);

        Tabbyctl.Result invalid = ctl.run("patch", "ippool", "pool-a", "-p", "{\"spec\":{\"ipipMode\":\"Sometimes\"}}");
        assertEquals(1, invalid.exitCode());
        assertTrue(invalid.err().startsWith("tabbyctl: Hit error: the patched IPPool \"pool-a\" is not valid: spec.ipipMode: "),
                invalid::toString);
        assertEquals(1, invalid.err().lines().count(), invalid::toString);

        Tabbyctl.Result unknownField = ctl.run("patch", "ippool", "pool-a", "-p", "{\"spec\":{\"frob\":1}}");
        assertEquals(1, unknownField.exitCode());
        assertTrue(unknownField.err().contains("is not valid: spec.frob"), unknownField::toString);

        // libcalico-go clientv3/ippool.go, enforced at write: a pool's CIDR never changes.
        Tabbyctl.Result cidr = ctl.run("patch", "ippool", "pool-a", "-p", "{\"spec\":{\"cidr\":\"10.41.0.0/16\"}}");
        assertEquals(1, cidr.exitCode());
        assertTrue(cidr.err().contains("IPPool CIDR cannot be modified"), cidr::toString);

        Tabbyctl.Result rename = ctl.run("patch", "ippool", "pool-a", "-p", "{\"metadata\":{\"name\":\"pool-b\"}}");
        assertEquals("tabbyctl: Hit error: the patch changes metadata.name from \"pool-a\" to \"pool-b\"; a patch cannot "
                + "rename a resource (create the new one, then delete the old)\n", rename.err());
        assertTrue(kv.get("/calico/resources/v3/projectcalico.org/ippools/pool-b").isEmpty());

        Tabbyctl.Result rekind = ctl.run("patch", "ippool", "pool-a", "-p", "{\"kind\":\"BGPPeer\"}");
        assertTrue(rekind.err().contains("a patch cannot change a resource's kind"), rekind::toString);

        // libcalico-go clientv3/resources.go Update: "field must be set for an Update request".
        Tabbyctl.Result noVersion = ctl.run("patch", "ippool", "pool-a", "-p", "{\"metadata\":{\"resourceVersion\":null}}");
        assertEquals(1, noVersion.exitCode());
        assertTrue(noVersion.err().startsWith("tabbyctl: Hit error: the patch removes metadata.resourceVersion"), noVersion::toString);

        Tabbyctl.Result missing = ctl.run("patch", "ippool", "nope", "-p", "{}");
        assertEquals(1, missing.exitCode());
        assertEquals("tabbyctl: Hit error: IPPool \"nope\" does not exist\n", missing.err());

        Tabbyctl.Result emptyName = ctl.run("patch", "ippool", "", "-p", "{}");
        assertEquals("tabbyctl: Hit error: resource name may not be empty\n", emptyName.err());

        Tabbyctl.Result badType = ctl.run("patch", "ippool", "pool-a", "-t", "frob", "-p", "{}");
        assertEquals(1, badType.exitCode());
        assertTrue(badType.err().contains("--type \"frob\" is not a patch type"), badType::toString);

        assertEquals(before, stored(POOL_KEY).modRevision(), "no failed patch wrote anything");
    }

    /** The resourceVersion a patch carries is the revision the update must find, as the update calicoctl makes. */
    @Test
    void aStaleResourceVersionIsAConflict() {
        long first = stored(POOL_KEY).modRevision();
        assertEquals(0, ctl.run("patch", "ippool", "pool-a", "-p", "{\"spec\":{\"natOutgoing\":true}}").exitCode());
        long second = stored(POOL_KEY).modRevision();

        Tabbyctl.Result stale = ctl.run("patch", "ippool", "pool-a", "-p",
                "{\"metadata\":{\"resourceVersion\":\"" + first + "\"},\"spec\":{\"disabled\":true}}");
        assertEquals(1, stale.exitCode());
        assertEquals("tabbyctl: Hit error: IPPool \"pool-a\" changed since it was read: resourceVersion " + first
                + " is stale, it is now " + second + "; get it again, reapply your change and retry\n", stale.err());
        assertEquals(second, stored(POOL_KEY).modRevision());

        Tabbyctl.Result current = ctl.run("patch", "ippool", "pool-a", "-p",
                "{\"metadata\":{\"resourceVersion\":\"" + second + "\"},\"spec\":{\"disabled\":true}}");
        assertEquals(0, current.exitCode(), current::toString);
    }

    /**
     * Between the read and the write another writer wins: the update is a compare-and-swap on the revision read, so it
     * fails and writes nothing. The command's own steps, with a write in between.
     */
    @Test
    void aWriteBetweenReadAndUpdateIsAConflictNotAnOverwrite() throws Exception {
        ResourceStore store = new ResourceStore(kv);
        ResourceId id = new ResourceId(Kind.IP_POOL, null, "pool-a");
        Resource read = store.get(id).orElseThrow();
        Class<?> command = Class.forName("dev.tabby.ctl.commands.PatchCommand");
        Class<?> type = Class.forName("dev.tabby.ctl.commands.PatchType");
        Method patched = command.getDeclaredMethod("patched", ResourceId.class, Resource.class, type, JsonNode.class);
        patched.setAccessible(true);
        Object strategic = type.getEnumConstants()[0];
        Resource result = (Resource) patched.invoke(null, id, read, strategic,
                JsonMapper.builder().build().readTree("{\"spec\":{\"natOutgoing\":true}}"));

        // Someone else changes the pool meanwhile.
        assertEquals(0, ctl.run("label", "ippool", "pool-a", "owner=other").exitCode());
        long theirs = stored(POOL_KEY).modRevision();

        assertThrows(ResourceConflictException.class, () -> store.update(result));
        assertEquals(theirs, stored(POOL_KEY).modRevision());
        assertEquals("other", ResourceCodec.fromStoredValue(Kind.IP_POOL, stored(POOL_KEY).value(), theirs, POOL_KEY)
                .metadata().labels().get("owner"));
    }

    /** Every kind survives its own JSON: an empty patch leaves each stored value as it was (only the revision moves). */
    @Test
    void anEmptyPatchRoundTripsEveryKind() throws IOException {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: n1, labels: {rack: r1}}
                spec: {bgp: {asNumber: 65001, ipv4Address: 10.0.0.1/24, ipv6Address: "fd00::1/64"}}
                ---
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata: {name: n1-k8s-web-eth0, namespace: shop, labels: {app: web}}
                spec: {node: n1, orchestrator: k8s, pod: web, endpoint: eth0, interfaceName: cali0a1b2c3d4e5,
                       ipNetworks: [10.5.0.7/32], profiles: [kns.shop], ports: [{name: http, protocol: TCP, port: 80}]}
                ---
                apiVersion: projectcalico.org/v3
                kind: HostEndpoint
                metadata: {name: n1-eth0, labels: {role: edge}}
                spec: {node: n1, interfaceName: eth0, expectedIPs: [10.0.0.1]}
                ---
                apiVersion: projectcalico.org/v3
                kind: BGPPeer
                metadata: {name: tor}
                spec: {node: n1, peerIP: 192.0.2.1, asNumber: 64512}
                ---
                apiVersion: projectcalico.org/v3
                kind: BGPConfiguration
                metadata: {name: default}
                spec: {asNumber: 64512, nodeToNodeMeshEnabled: false, logSeverityScreen: Info}
                ---
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: default}
                spec: {logSeverityScreen: Debug, ipipEnabled: true}
                ---
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: deny-ssh}
                spec:
                  order: 5
                  selector: all()
                  ingress: [{action: Deny, protocol: TCP, destination: {ports: [22]}}]
                  egress: [{action: Allow, protocol: UDP, destination: {nets: [10.0.0.0/8], notPorts: ["1000:2000"]}}]
                ---
                apiVersion: projectcalico.org/v3
                kind: NetworkSet
                metadata: {name: partners, namespace: shop}
                spec: {nets: [198.51.100.0/24]}
                ---
                apiVersion: projectcalico.org/v3
                kind: Profile
                metadata: {name: kns.shop}
                spec: {labelsToApply: {ns: shop}, ingress: [{action: Allow}], egress: [{action: Allow}]}
                """);
        String[][] resources = {
            {"ippool", "pool-a", null, "ippools/pool-a"}, {"node", "n1", null, "nodes/n1"},
            {"wep", "n1-k8s-web-eth0", "shop", "workloadendpoints/shop/n1-k8s-web-eth0"},
            {"hep", "n1-eth0", null, "hostendpoints/n1-eth0"}, {"bgppeer", "tor", null, "bgppeers/tor"},
            {"bgpconfig", "default", null, "bgpconfigurations/default"},
            {"felixconfig", "default", null, "felixconfigurations/default"},
            {"gnp", "deny-ssh", null, "globalnetworkpolicies/deny-ssh"},
            {"networkset", "partners", "shop", "networksets/shop/partners"}, {"profile", "kns.shop", null, "profiles/kns.shop"}};
        for (String[] r : resources) {
            String key = "/calico/resources/v3/projectcalico.org/" + r[3];
            JsonNode before = storedTree(key);
            long revision = stored(key).modRevision();
            Tabbyctl.Result patched = r[2] == null ? ctl.run("patch", r[0], r[1], "-p", "{}")
                    : ctl.run("patch", r[0], r[1], "-n", r[2], "-p", "{}");
            assertEquals(0, patched.exitCode(), r[0] + " " + patched);
            assertTrue(stored(key).modRevision() > revision, r[0] + " was written");
            assertEquals(before, storedTree(key), r[0] + " unchanged by an empty patch");
        }
    }

    @Test
    void namespacedKindsTakeTheNamespaceOption() throws IOException {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: NetworkPolicy
                metadata:
                  name: web
                  namespace: shop
                spec:
                  selector: app == 'web'
                """);
        Tabbyctl.Result wrongNs = ctl.run("patch", "networkpolicy", "web", "-p", "{\"spec\":{\"order\":10}}");
        assertEquals(1, wrongNs.exitCode());
        assertEquals("tabbyctl: Hit error: NetworkPolicy \"default/web\" does not exist\n", wrongNs.err());

        Tabbyctl.Result r = ctl.run("patch", "networkpolicy", "web", "-n", "shop", "-p", "{\"spec\":{\"order\":10}}");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("Successfully patched 1 'NetworkPolicy' resource\n", r.out());
        Tabbyctl.Result moved = ctl.run("patch", "networkpolicy", "web", "-n", "shop", "-p", "{\"metadata\":{\"namespace\":\"other\"}}");
        assertTrue(moved.err().contains("a patch cannot move a resource to another namespace"), moved::toString);
        Tabbyctl.Result yaml = ctl.run("get", "networkpolicy", "web", "-n", "shop", "-o", "yaml");
        assertTrue(yaml.out().contains("order: 10"), yaml::toString);
    }
}
