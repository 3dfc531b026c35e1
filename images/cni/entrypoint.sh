#!/bin/bash
# tabby/cni's entrypoint.
#   daemon [ARGS...]  the node-local CNI daemon (socket /run/tabby/cni.sock unless --socket), as bin/tabby cni daemon
#   install           what Calico's install-cni does (cni-plugin v3.18 pkg/install/install.go): the plugin launcher
#                     (a static program) as tabby-cni, tabby and tabby-ipam, and the Java client's jars it falls back
#                     on without a daemon (tabby-cni.d, named in tabby-cni.fallback) into /opt/cni/bin (the host's,
#                     mounted at the same path; CNI_BIN_DIR overrides), 10-tabby.conflist into /etc/cni/net.d
#                     (CNI_NET_DIR, Calico's variable, overrides) with TABBY_ETCD_ENDPOINTS and TABBY_NODENAME;
#                     every file written to a temporary name and renamed.
# The launcher is static, like Calico's plugin binary, and with a daemon on the node needs nothing else; without one it
# runs the Java client with the host's java (the first on the kubelet's PATH), so a node should have Java 17.
set -euo pipefail
source /opt/tabby/scripts/lib.sh
source /opt/tabby/scripts/cni.sh

case "${1:-}" in
  daemon)
    shift
    exec java @/opt/tabby/jvm/service.args -cp "$(cni_classpath)" dev.tabby.cni.daemon.CniDaemon "$@" ;;
  install)
    [ $# -eq 1 ] || die "install takes no arguments; set CNI_BIN_DIR, CNI_NET_DIR, TABBY_ETCD_ENDPOINTS, TABBY_NODENAME"
    bin_dir=${CNI_BIN_DIR:-/opt/cni/bin}
    net_dir=${CNI_NET_DIR:-/etc/cni/net.d}
    [ -d "$bin_dir" ] || die "$bin_dir does not exist; mount the host's CNI binary directory there"
    [ -d "$net_dir" ] || die "$net_dir does not exist; mount the host's CNI configuration directory there"
    jars="$bin_dir/tabby-cni.d"
    # The client's jars (and the launcher's program) first, under a temporary name and renamed, then the launchers
    # and the sidecar that points at them.
    rm -rf "$jars.tmp" "$jars.old"
    mkdir -p "$jars.tmp"
    cp -r "$CNI_TARGET/lib" "$CNI_TARGET/classes" "$(cni_client_jar)" "$(cni_launcher_binary)" "$jars.tmp/"
    [ -d "$jars" ] && mv "$jars" "$jars.old"
    mv "$jars.tmp" "$jars"
    rm -rf "$jars.old"
    chmod -R a+rX "$jars"
    CNI_TARGET=$jars TABBY_CNI_JAVA=java TABBY_CNI_VAR=/tmp/tabby-cni cni_install "$bin_dir" "$net_dir" "${TABBY_NODENAME:-}" ;;
  *)
    die "usage: daemon [--socket PATH] | install (got '${1:-}')" ;;
esac
