# The CNI plugin's installation and its node-local daemon. Sourced by bin/tabby (after lib.sh), not run.
#
#   cni_install DIR CONF_DIR [NODE]   launchers tabby-cni, tabby (its alias, the conflist's type) and tabby-ipam
#                                     and their tabby-cni.fallback into DIR; 10-tabby.conflist into CONF_DIR; the
#                                     Java client's CDS archive
#   cni_daemon_start [NODE [NETNS]]   the daemon for NODE (default: this host) in the background; with NETNS it
#                                     runs inside that namespace (ip netns exec), the node's own (testbed nodes)
#   cni_daemon_stop [NODE]            stops it
# Files: the CDS archive and each daemon's pid, log and socket under var/cni/ (TABBY_CNI_VAR overrides).
# More in services/cni/README.md.
#
# The launchers are one small static program (services/cni/src/main/c/tabby-cni-launch.c, tabby-cni; tabby and
# tabby-ipam are links to it) that hands each call to the daemon over a Unix socket (TABBY_CNI_SOCKET, default
# /run/tabby/cni.sock; the reply may take TABBY_CNI_TIMEOUT seconds, default 120). Without a daemon it execs the Java
# client (dev.tabby.cni.client.CniClient), which does the work itself, slower: how is in tabby-cni.fallback beside
# it (the java, its flags, the CDS archive and the classpath).
#
# Network configuration keys (stdin, as Calico's plugin names them):
#   type             "tabby" (or "tabby-cni")
#   ipam.type        "tabby-ipam", or any IPAM plugin in CNI_PATH
#   ipam.assign_ipv4 "true" (default) / "false";  ipam.assign_ipv6: "true" / "false" / unset = when a v6 pool serves the node
#   ipam.ipv4_pools, ipam.ipv6_pools   pool CIDRs or names to draw from (default: every pool serving the node)
#   mtu              workload MTU, never above the node's tunnel MTU (/var/lib/tabby/mtu, written by vxlan-manager);
#                    0 or unset = that file's MTU, else the node's uplink MTU less the pools' encapsulation overhead
#   etcd_endpoints, etcd_ca_cert_file, etcd_cert_file, etcd_key_file   override TABBY_ETCD_*
#   nodename, nodename_file            the node's name (default TABBY_NODENAME, /var/lib/calico/nodename, host name)
#   log_level        debug / info / warning / error (the in-process plugin's stderr; the daemon has TABBY_CNI_LOG_LEVEL)
#   policy_setup_timeout_seconds   how long ADD waits for the endpoint's policy (status up) on a node running a
#                    policy-renderer; default 10, 0 = no wait (TABBY_CNI_POLICY_SETUP_TIMEOUT)
#   policy.type      set (e.g. "k8s"): no network Profile is created for non-Kubernetes workloads
# CNI_ARGS: K8S_POD_NAMESPACE and K8S_POD_NAME make a pod (k8s WorkloadEndpoint, labels, profiles kns./ksa.);
#   K8S_POD_SERVICE_ACCOUNT (Tabby's own) names its service account, default "default"; IP=a.b.c.d asks for that
#   address (from any pool, as Calico's IP= does).

# TABBY_CNI_TARGET: the build elsewhere (the tabby/cni image installs from its copy).
CNI_TARGET="${TABBY_CNI_TARGET:-$TABBY_ROOT/services/cni/target}"
CNI_DEFAULT_SOCKET="/run/tabby/cni.sock"
# The Java client's JVM (the launcher's fallback when no daemon listens), whose start is most of its call: no tiered
# C2, a small GC, no perf data file, JVM warnings to stderr (stdout is the CNI result), and the client's classes from
# a CDS archive when one matches the client jar.
CNI_JAVA_FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:-UsePerfData -Xlog:disable -Xlog:all=warning:stderr"

# Where the CDS archive and the daemons' pid, log and socket files live (TABBY_CNI_VAR overrides).
_cni_var() {
  echo "${TABBY_CNI_VAR:-$TABBY_ROOT/var/cni}"
}

cni_client_jar() {
  ls "$CNI_TARGET"/tabby-cni-*-client.jar 2>/dev/null | head -n 1
}

cni_classpath() {
  echo "$(cni_client_jar):$CNI_TARGET/classes:$CNI_TARGET/lib/*"
}

cni_launcher_binary() {
  echo "$CNI_TARGET/tabby-cni-launch"
}

# _cni_fallback JAVA JSA: the launcher's sidecar file (tabby-cni.fallback): how it runs the Java client when no daemon
# listens, one "KEY VALUE" a line (java PATH; arg ARGUMENT, in order; cds JSA JAR: the archive when newer than JAR).
_cni_fallback() {
  local java=$1 jsa=$2 flag
  echo "# Written by cni_install: how tabby-cni runs the Java client (the plugin in-process) when no daemon listens."
  echo "java $java"
  for flag in $CNI_JAVA_FLAGS; do
    echo "arg $flag"
  done
  # The archive is valid only for the client jar it was made from; a rebuilt jar makes the JVM ignore it.
  [ -n "$jsa" ] && echo "cds $jsa $(cni_client_jar)"
  echo "arg -cp"
  echo "arg $(cni_classpath)"
  echo "arg dev.tabby.cni.client.CniClient"
}

# cni_install DIR CONF_DIR [NODE]; TABBY_CNI_JAVA: the java the launchers run (default: this host's, resolved)
cni_install() {
  local dir=$1 conf_dir=$2 node=${3:-} java jsa nodename_line=""
  [ -n "$dir" ] && [ -n "$conf_dir" ] || die "cni install needs --dir DIR and --conf-dir DIR"
  [ -n "$(cni_client_jar)" ] || die "the CNI module is not built ($CNI_TARGET has no client jar); run bin/tabby build first"
  [ -x "$(cni_launcher_binary)" ] || die "the CNI launcher is not built ($(cni_launcher_binary) is missing); run bin/tabby build first"
  mkdir -p "$dir" "$conf_dir" "$(_cni_var)"
  if [ -n "${TABBY_CNI_JAVA:-}" ]; then
    # The launchers' java is another machine's (the tabby/cni image installs for the host's java): no CDS archive,
    # as one is valid only for the JVM that wrote it.
    java=$TABBY_CNI_JAVA
    jsa=""
  else
    java=$(readlink -f "$(command -v java)") || die "no java on PATH"
    jsa="$(_cni_var)/client.jsa"
    # Record the client's classes once (a stand-in daemon answers), so each call maps them instead of loading them.
    rm -f "$jsa"
    TABBY_CNI_WARMUP=1 "$java" $CNI_JAVA_FLAGS -Xlog:disable -XX:ArchiveClassesAtExit="$jsa" -cp "$(cni_classpath)" \
      dev.tabby.cni.client.CniClient tabby-cni </dev/null >/dev/null 2>&1 \
      || { rm -f "$jsa"; say "no CDS archive for the CNI client (the launchers still work, a little slower)"; }
  fi
  # The sidecar before the program that reads it; each under a temporary name and renamed.
  _cni_fallback "$java" "$jsa" > "$dir/tabby-cni.fallback.tmp"
  chmod 644 "$dir/tabby-cni.fallback.tmp"
  mv -f "$dir/tabby-cni.fallback.tmp" "$dir/tabby-cni.fallback"
  cp "$(cni_launcher_binary)" "$dir/tabby-cni.tmp"
  chmod 755 "$dir/tabby-cni.tmp"
  mv -f "$dir/tabby-cni.tmp" "$dir/tabby-cni"
  # One program: it tells the plugins apart by the name it runs as.
  local alias
  for alias in tabby-ipam tabby; do
    ln -sfn tabby-cni "$dir/$alias.tmp"
    mv -fT "$dir/$alias.tmp" "$dir/$alias"
  done
  [ -n "$node" ] && nodename_line="
      \"nodename\": \"$node\","
  cat > "$conf_dir/10-tabby.conflist.tmp" <<EOF
{
  "name": "k8s-pod-network",
  "cniVersion": "1.0.0",
  "plugins": [
    {
      "type": "tabby",
      "log_level": "info",
      "etcd_endpoints": "${TABBY_ETCD_ENDPOINTS:-http://127.0.0.1:2379}",$nodename_line
      "mtu": 0,
      "ipam": { "type": "tabby-ipam" }
    }
  ]
}
EOF
  mv -f "$conf_dir/10-tabby.conflist.tmp" "$conf_dir/10-tabby.conflist"
  say "installed tabby-cni, tabby and tabby-ipam in $dir and 10-tabby.conflist in $conf_dir"
}

# _cni_node_dir NODE: where a node's daemon keeps its pid, log and socket.
_cni_node_dir() {
  echo "$(_cni_var)/${1:-local}"
}

_cni_socket_for() {
  if [ -z "${1:-}" ]; then echo "${TABBY_CNI_SOCKET:-$CNI_DEFAULT_SOCKET}"; else echo "$(_cni_node_dir "$1")/cni.sock"; fi
}

# cni_daemon_start [NODE [NETNS]]
cni_daemon_start() {
  local node=${1:-} netns=${2:-} d pid sock in_ns=()
  d=$(_cni_node_dir "$node")
  sock=$(_cni_socket_for "$node")
  mkdir -p "$d"
  if [ -f "$d/daemon.pid" ] && kill -0 "$(cat "$d/daemon.pid")" 2>/dev/null; then
    say "CNI daemon for ${node:-this node} already running (pid $(cat "$d/daemon.pid")) on $sock"
    return 0
  fi
  [ -n "$(cni_client_jar)" ] || die "the CNI module is not built; run bin/tabby build first"
  (
    [ -n "$node" ] && export TABBY_NODENAME="$node"
    # The daemon works on the network namespace it runs in: a node's other than this one means running inside it.
    [ -n "$netns" ] && in_ns=(ip netns exec "$(basename "$netns")")
    export TABBY_CNI_SOCKET="$sock"
    exec setsid "${in_ns[@]}" java @"$TABBY_ROOT/images/jvm/service.args" -cp "$(cni_classpath)" \
      dev.tabby.cni.daemon.CniDaemon --socket "$sock" >"$d/daemon.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" > "$d/daemon.pid"
  local i
  for i in $(seq 1 300); do
    [ -S "$sock" ] && { say "CNI daemon for ${node:-this node} started (pid $pid) on $sock, log $d/daemon.log"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$d/daemon.log" >&2
  die "the CNI daemon did not come up; its log is $d/daemon.log"
}

# cni_daemon_stop [NODE]
cni_daemon_stop() {
  local d pid i
  d=$(_cni_node_dir "${1:-}")
  [ -f "$d/daemon.pid" ] || { say "no CNI daemon for ${1:-this node}"; return 0; }
  pid=$(cat "$d/daemon.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$d/daemon.pid"
  say "CNI daemon for ${1:-this node} stopped"
}
