{{/*
Helpers shared by the templates. Every container is built from its entry in services.yaml (tabby.services), so the
chart and the testbed (services/testbed) give a service the same capabilities, mounts, ports, environment and probes.
*/}}

{{/* The declarations: services.yaml at the chart's root. */}}
{{- define "tabby.services" -}}
{{- (fromYaml (.Files.Get "services.yaml")).services | toYaml -}}
{{- end -}}

{{/* A service's key in values: vxlan-manager -> vxlanManager. */}}
{{- define "tabby.valuesKey" -}}
{{- $parts := splitList "-" . -}}
{{- $out := first $parts -}}
{{- range rest $parts }}{{ $out = printf "%s%s" $out (title .) }}{{ end -}}
{{- $out -}}
{{- end -}}

{{/*
"true" when a daemon runs in this release: its explicit `enabled`, else by mode (each mode's router; the policy
renderer, the requirements probe and the CNI daemon always).
*/}}
{{- define "tabby.enabled" -}}
{{- $root := .root -}}
{{- $key := include "tabby.valuesKey" .name -}}
{{- $values := index $root.Values $key -}}
{{- if not $values -}}
{{- fail (printf "services.yaml declares the daemon %s but values.yaml has no %s: add a %s block to values.yaml and values.schema.json" .name $key $key) -}}
{{- end -}}
{{- if kindIs "bool" $values.enabled -}}
{{- if $values.enabled }}true{{ end -}}
{{- else -}}
{{- $byMode := dict "vxlan" (list "vxlan-manager") "ipip" (list "ipip-manager") "bgp" (list "bgp-speaker") -}}
{{- $always := list "policy-renderer" "requirements-probe" "cni-daemon" -}}
{{- if or (has .name $always) (has .name (get $byMode $root.Values.mode)) }}true{{ end -}}
{{- end -}}
{{- end -}}

{{/* The requirements probe's modes (TABBY_PROBE_MODES), as the testbed sets them. */}}
{{- define "tabby.probeModes" -}}
{{- .Values.mode -}}
{{- end -}}

{{/* etcd.endpoints comma-joined, as TABBY_ETCD_ENDPOINTS and Calico's etcd_endpoints take them; required. */}}
{{- define "tabby.etcdEndpoints" -}}
{{- if not .Values.etcd.endpoints -}}
{{- fail "etcd.endpoints is required: the client URLs of your etcd v3 cluster, e.g. --set 'etcd.endpoints={https://10.0.0.1:2379,https://10.0.0.2:2379}'" -}}
{{- end -}}
{{- $tls := list -}}
{{- range .Values.etcd.endpoints }}{{ if hasPrefix "https://" . }}{{ $tls = append $tls . }}{{ end }}{{ end -}}
{{- if and .Values.etcd.tls.secretName (ne (len $tls) (len .Values.etcd.endpoints)) -}}
{{- fail (printf "etcd.tls.secretName is set (%s) but etcd.endpoints are not all https:// (%s): use https:// endpoints, or unset etcd.tls.secretName" .Values.etcd.tls.secretName (join "," .Values.etcd.endpoints)) -}}
{{- end -}}
{{- join "," .Values.etcd.endpoints -}}
{{- end -}}

{{/* registry + declared image + tag (default: the chart's appVersion). */}}
{{- define "tabby.image" -}}
{{- printf "%s%s:%s" .root.Values.image.registry .image (.root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{/* Labels of everything the chart makes; k8s-app as Calico labels calico-node. */}}
{{- define "tabby.labels" -}}
app.kubernetes.io/name: tabby
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* A declaration's HTTP port (the one named http), or 0. */}}
{{- define "tabby.httpPort" -}}
{{- $port := 0 -}}
{{- range .ports }}{{ if eq .name "http" }}{{ $port = int .port }}{{ end }}{{ end -}}
{{- $port -}}
{{- end -}}

{{/* True when the declaration's environment names etcd: such a container gets the etcd TLS files too. */}}
{{- define "tabby.talksToEtcd" -}}
{{- range .env }}{{ if contains "${ETCD_ENDPOINTS}" (toString .value) }}true{{ end }}{{ end -}}
{{- end -}}

{{/*
Where a declared host path is, on the host and in the container: as declared, except the CNI directories, which are
values (cni.binDir, cni.confDir, as Calico's installs let them be moved).
*/}}
{{- define "tabby.hostPath" -}}
{{- $root := .root -}}
{{- if eq .mount.name "cni-bin-dir" -}}{{ $root.Values.cni.binDir }}
{{- else if eq .mount.name "cni-net-dir" -}}{{ $root.Values.cni.confDir }}
{{- else -}}{{ .mount.path }}
{{- end -}}
{{- end -}}

{{/*
One container from its declaration. Arguments: root, name, svc (the declaration), resources (daemons only),
extraArgs (appended to the declared args).
*/}}
{{- define "tabby.container" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $httpPort := include "tabby.httpPort" $svc | int -}}
{{- $etcd := include "tabby.talksToEtcd" $svc -}}
{{- $args := concat ($svc.args | default list) (.extraArgs | default list) -}}
- name: {{ .name }}
  image: {{ include "tabby.image" (dict "root" $root "image" $svc.image) }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  {{- with $args }}
  args:
    {{- range . }}
    - {{ . | quote }}
    {{- end }}
  {{- end }}
  env:
    {{- range $svc.env }}
    {{- $value := toString .value }}
    {{- if eq $value "${NODE_NAME}" }}
    - name: {{ .name }}
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    {{- else }}
    {{- if contains "${ETCD_ENDPOINTS}" $value }}
    {{- $value = replace "${ETCD_ENDPOINTS}" (include "tabby.etcdEndpoints" $root) $value }}
    {{- end }}
    {{- $value = replace "${PROBE_MODES}" (include "tabby.probeModes" $root) $value }}
    {{- if contains "${" $value }}
    {{- fail (printf "services.yaml: %s's %s=%s has a placeholder the chart does not fill; it fills ${NODE_NAME} (a whole value), ${ETCD_ENDPOINTS} and ${PROBE_MODES}" $.name .name .value) }}
    {{- end }}
    - name: {{ .name }}
      value: {{ $value | quote }}
    {{- end }}
    {{- end }}
    {{- if and $etcd $root.Values.etcd.tls.secretName }}
    # The etcd client's TLS files, from the Secret etcd.tls.secretName (services/datastore EtcdConfig).
    - name: TABBY_ETCD_CA_FILE
      value: /etc/tabby/etcd-tls/etcd-ca
    - name: TABBY_ETCD_CERT_FILE
      value: /etc/tabby/etcd-tls/etcd-cert
    - name: TABBY_ETCD_KEY_FILE
      value: /etc/tabby/etcd-tls/etcd-key
    {{- end }}
    {{- if and $etcd $root.Values.events.kafkaBootstrap }}
    # events.kafkaBootstrap: the service's events to Kafka topic tabby.events (policy-renderer's flow logs to tabby.flows).
    - name: TABBY_KAFKA_BOOTSTRAP
      value: {{ $root.Values.events.kafkaBootstrap | quote }}
    {{- end }}
    {{- if eq .name "install-cni" }}
    # cni.binDir and cni.confDir, mounted at the same paths: the launchers it writes name their jars by host path.
    - name: CNI_BIN_DIR
      value: {{ $root.Values.cni.binDir | quote }}
    - name: CNI_NET_DIR
      value: {{ $root.Values.cni.confDir | quote }}
    {{- end }}
    {{- if and $httpPort $root.Values.metrics.listenOnAllInterfaces }}
    # metrics.listenOnAllInterfaces: the HTTP port on every address of the node, for a scraper off the node.
    - name: QUARKUS_HTTP_HOST
      value: 0.0.0.0
    {{- end }}
  {{- with $svc.ports }}
  ports:
    {{- range . }}
    - name: {{ .name }}
      containerPort: {{ int .port }}
      protocol: {{ .protocol }}
    {{- end }}
  {{- end }}
  securityContext:
    {{- if eq $svc.procSys "writable" }}
    # It writes /proc/sys/net (interface sysctls). Kubernetes mounts /proc/sys read-only in every container but a
    # privileged one and has no other way to make it writable, so this container is privileged, as Calico's
    # calico-node is; the capabilities below still say what it needs.
    privileged: true
    {{- else }}
    privileged: false
    allowPrivilegeEscalation: false
    {{- end }}
    capabilities:
      {{- with $svc.capabilities }}
      add: [{{ join ", " . }}]
      {{- end }}
      drop: [ALL]
  {{- with .resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $svc.probes }}
  {{- if not $httpPort }}
  {{- fail (printf "services.yaml: %s declares probes but no port named http to serve them" $.name) }}
  {{- end }}
  {{- with .liveness }}
  livenessProbe:
    httpGet:
      host: 127.0.0.1
      path: {{ . }}
      port: {{ $httpPort }}
    # A JVM starts in seconds, more on a busy node: calico-node's liveness timing.
    initialDelaySeconds: 10
    periodSeconds: 10
    timeoutSeconds: 10
    failureThreshold: 6
  {{- end }}
  {{- with .readiness }}
  readinessProbe:
    httpGet:
      host: 127.0.0.1
      path: {{ . }}
      port: {{ $httpPort }}
    periodSeconds: 10
    timeoutSeconds: 10
  {{- end }}
  {{- end }}
  {{- $mounts := list }}
  {{- range $svc.hostPaths }}
  {{- $m := dict "name" .name "mountPath" (.mountPath | default (include "tabby.hostPath" (dict "root" $root "mount" .))) "readOnly" .readOnly }}
  {{- if .propagation }}{{ $_ := set $m "mountPropagation" .propagation }}{{ end }}
  {{- $mounts = append $mounts $m }}
  {{- end }}
  {{- if and $etcd $root.Values.etcd.tls.secretName }}
  {{- $mounts = append $mounts (dict "name" "etcd-certs" "mountPath" "/etc/tabby/etcd-tls" "readOnly" true) }}
  {{- end }}
  {{- if eq .name "bgp-speaker" }}
  {{- range $i, $secret := $root.Values.bgp.peerPasswordSecrets }}
  {{- $mounts = append $mounts (dict "name" (printf "bgp-password-%d" $i) "mountPath" (printf "/etc/tabby/bgp-passwords/%s" $secret) "readOnly" true) }}
  {{- end }}
  {{- end }}
  {{- with $mounts }}
  volumeMounts:
    {{- range . }}
    - name: {{ .name }}
      mountPath: {{ .mountPath }}
      readOnly: {{ .readOnly }}
      {{- with .mountPropagation }}
      mountPropagation: {{ . }}
      {{- end }}
    {{- end }}
  {{- end }}
{{- end -}}

{{/*
A pod's volumes: the host paths its containers declare (each name once; one name on two paths is an error in
services.yaml), the etcd TLS Secret and, for bgp-speaker, the BGP password Secrets. Arguments: root, names (the
pod's containers), services.
*/}}
{{- define "tabby.volumes" -}}
{{- $root := .root -}}
{{- $byName := dict -}}
{{- $etcd := "" -}}
{{- range .names -}}
{{- $svc := index $.services . -}}
{{- if include "tabby.talksToEtcd" $svc }}{{ $etcd = "true" }}{{ end -}}
{{- range $svc.hostPaths -}}
{{- $path := include "tabby.hostPath" (dict "root" $root "mount" .) -}}
{{- $seen := get $byName .name -}}
{{- if and $seen (ne $seen.path $path) -}}
{{- fail (printf "services.yaml: the host path volume %s is %s in one service and %s in another of the same pod; give them different names" .name $seen.path $path) -}}
{{- end -}}
{{- $_ := set $byName .name (dict "path" $path "type" .type) -}}
{{- end -}}
{{- end -}}
{{- range $name, $v := $byName }}
- name: {{ $name }}
  hostPath:
    path: {{ $v.path }}
    type: {{ $v.type | quote }}
{{- end }}
{{- if and $etcd $root.Values.etcd.tls.secretName }}
# calico-etcd.yaml's etcd-certs volume: the client's CA, certificate and key, readable by their owner only.
- name: etcd-certs
  secret:
    secretName: {{ $root.Values.etcd.tls.secretName }}
    defaultMode: 256 # 0400
{{- end }}
{{- if has "bgp-speaker" .names }}
{{- range $i, $secret := $root.Values.bgp.peerPasswordSecrets }}
# BGP peers' passwords (bgp.peerPasswordSecrets); 0400 keeps bgp-speaker from warning about readable password files.
- name: bgp-password-{{ $i }}
  secret:
    secretName: {{ $secret }}
    defaultMode: 256 # 0400
{{- end }}
{{- end }}
{{- end -}}
