# Shared helpers for bin/tabby and bin/tabbyctl. Sourced, not run.
TABBY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TABBY_ROOT

say()  { printf 'tabby: %s\n' "$*"; }
die()  { printf 'tabby: error: %s\n' "$*" >&2; exit 1; }

# Debian packages each task needs. The names are Debian's; commands are checked by what they provide.
# gcc and libc6-dev: the CNI launcher (services/cni/src/main/c) is a static C program; libc.a is libc6-dev's.
PKGS_BUILD="openjdk-17-jdk-headless:javac maven:mvn gcc:cc libc6-dev:/usr/include/stdio.h"
PKGS_RUN="etcd-server:etcd etcd-client:etcdctl iproute2:ip openssl:openssl procps:ps util-linux:setpriv iputils-ping:ping"
# What only the tests use: Debian's reference CNI plugins (bridge, host-local) to drive tabby-ipam beside them, and
# iptables, nft and ipset: the probe's firewall checks read their rules, the dataplane's drivers write them.
# socat: the policy traffic tests listen and connect with it inside workloads.
# The BGP routers the interop tests peer with, and `bin/tabby up --peer` puts in the underlay.
PKGS_ROUTERS="bird2:bird gobgpd:gobgpd frr:/usr/lib/frr/bgpd"
# `bin/tabby vm run`: qemu, Debian's stock kernel (this host's may lack ipip) and its modules, a static busybox for
# the VM's initramfs, and kmod, whose modprobe resolves the initramfs's modules and autoloads the rest inside.
PKGS_VM="qemu-system-x86:qemu-system-x86_64 linux-image-amd64:/vmlinuz busybox-static:/bin/busybox kmod:/sbin/modprobe"
# bin/tabby images: podman with runc (crun fails in some sandboxes), mmdebstrap for the Debian bases, newuidmap, and
# the JDK's jmods, which jlink cuts the images' Java runtime from (in openjdk-17-jdk-headless on bookworm; later
# Debian releases move them to openjdk-17-jmods).
PKGS_IMAGES="podman:podman runc:runc mmdebstrap:mmdebstrap uidmap:newuidmap openjdk-17-jdk-headless:/usr/lib/jvm/java-17-openjdk-amd64/jmods/java.base.jmod"
PKGS_TEST="containernetworking-plugins:/usr/lib/cni/bridge iptables:iptables-save nftables:nft ipset:ipset socat:socat $PKGS_ROUTERS"

# install_missing "pkg:command ...": installs the packages whose command is not on PATH. A check starting with /
# is a file that must exist (a kernel image is not executable).
install_missing() {
  local missing=() pair pkg cmd
  for pair in "$@"; do
    pkg=${pair%%:*}; cmd=${pair##*:}
    case "$cmd" in
      /*) [ -e "$cmd" ] || missing+=("$pkg") ;;
      *) command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg") ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages ${missing[*]}; run as root or install them: apt-get install ${missing[*]}"
  say "installing ${missing[*]}"
  # Try with the package lists as they are; refresh them only when that fails (a fresh machine has none).
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed; check the package mirror"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || die "apt-get install ${missing[*]} failed"
  fi
}

# build [extra maven args]: compiles and packages everything (tests skipped), once per source change.
build() {
  install_missing $PKGS_BUILD
  local stamp="$TABBY_ROOT/var/build.stamp"
  mkdir -p "$TABBY_ROOT/var"
  if [ -f "$stamp" ] && [ -z "$(find "$TABBY_ROOT" -path "$TABBY_ROOT/var" -prune -o \( -name '*.java' -o -name '*.c' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  if [ -n "${TABBY_IN_VM:-}" ]; then
    # Maven under TCG takes many minutes, and the build tree is the host's: use the last build as it is.
    say "warning: sources changed since the last build; inside bin/tabby vm run the last build is used (run bin/tabby" \
      "build on the host to use the changes)" >&2
    [ -f "$stamp" ] || die "nothing is built; run bin/tabby build on the host first"
    return 0
  fi
  say "building (mvn package, tests skipped)"
  (cd "$TABBY_ROOT" && mvn -B -q -Dstyle.color=never -DskipTests install "$@") || die "build failed; run 'mvn -B -DskipTests install' to see why"
  touch "$stamp"
}

# module_classpath DIR: a module's classes and its runtime jars (copied to target/lib by the build).
module_classpath() {
  echo "$TABBY_ROOT/$1/target/classes:$TABBY_ROOT/$1/target/lib/*"
}
