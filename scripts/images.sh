# Tabby's OCI images, built with podman from Debian packages (no registry needed). Sourced by bin/tabby, not run.
#
#   images_build [NAME...]   one image per distinct image: of charts/tabby/services.yaml (default: all), tagged with
#                            the Maven project version only: localhost/tabby/<name>:<version>
#   images_names             those names, e.g. tabby/vxlan-manager
#   images_version           the project version (pom.xml)
#
# Per image, images/<name>/ holds its Containerfile (else images/quarkus.Containerfile, the Quarkus services' shared
# one) and entrypoint, and image.conf: "module DIR" (the Maven module
# whose build goes in) and "base FLAVOUR". A flavour's Debian packages are images/base/<flavour>.packages: exactly
# the programs its services run. Every base also carries the Java runtime (images_runtime: jlink'd from this machine's
# JDK with the modules of images/base/runtime.modules, at /opt/java, `java` on PATH) and the Debian packages its
# native libraries need (images/base/runtime.packages). The base is an mmdebstrap tarball cached under var/images/,
# keyed by a hash of the package lists, mmdebstrap's options and the runtime's, imported as
# localhost/tabby/base-<flavour>:<hash>.

IMAGES_SUITE=bookworm
# Fixed, so that the same packages give the same tarball (mmdebstrap honours SOURCE_DATE_EPOCH).
IMAGES_SOURCE_DATE_EPOCH=1704067200
# essential is dpkg, apt-less and enough: the runtime's and the tools' dependencies come in with --include. No docs,
# man pages or translations (copyright files stay: the licences travel with the image).
IMAGES_MMDEBSTRAP_OPTS=(--variant=essential --format=tar
  "--dpkgopt=path-exclude=/usr/share/man/*" "--dpkgopt=path-exclude=/usr/share/doc/*"
  "--dpkgopt=path-include=/usr/share/doc/*/copyright" "--dpkgopt=path-exclude=/usr/share/locale/*"
  "--dpkgopt=path-exclude=/usr/share/info/*"
  # update-alternatives (iptables' man pages) fails without the man directories, even with their files excluded.
  '--setup-hook=mkdir -p "$1/usr/share/man/man1" "$1/usr/share/man/man8"'
  # Merged /usr as debootstrap makes it (symlinks, and usr-is-merged): bookworm's init-system-helpers otherwise pulls
  # in the usrmerge package, and with it perl (~55 MB), which nothing in an image runs.
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr)
# The JDK the runtime is cut from: Debian's openjdk-17-jdk-headless, the one the host builds and runs Tabby with (its
# jmods/ are in that package on bookworm). The same JVM build inside the images and on the host.
IMAGES_JDK=/usr/lib/jvm/java-17-openjdk-amd64
# No debug attributes, headers or man pages. Uncompressed lib/modules (--compress=0): a class outside the CDS archives
# loads without inflating. 12 MB more than --compress=2, whose start (vxlan-manager, with and without CDS) measured
# the same CPU within this machine's noise: start time matters more than size. The runtime's own CDS
# archive of the JDK's classes (--generate-cds-archive; the JDK's classes.jsa is valid only with the JDK's own
# lib/modules), without the one for heaps over 32 GB (classes_nocoops.jsa, removed after).
IMAGES_JLINK_OPTS=(--strip-debug --no-header-files --no-man-pages --compress=0 --generate-cds-archive)

_images_var() { echo "$TABBY_ROOT/var/images"; }

images_version() {
  # The project's own <version> is the first one indented at project level (the root pom has no <parent>).
  sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$TABBY_ROOT/pom.xml" | head -n 1
}

# The chart's distinct image: values, so the chart and the images cannot disagree.
images_names() {
  awk '$1 == "image:" { print $2 }' "$TABBY_ROOT/charts/tabby/services.yaml" | sort -u
}

# _images_conf NAME KEY: a value of images/<name>/image.conf.
_images_conf() {
  local file="$TABBY_ROOT/images/${1#tabby/}/image.conf" v
  [ -f "$file" ] || die "no $file for image $1 (services.yaml names it); add images/${1#tabby/}/ with image.conf and a Containerfile"
  v=$(awk -v k="$2" '$1 == k { print $2 }' "$file")
  [ -n "$v" ] || die "$file has no '$2' line"
  echo "$v"
}

# _images_list FILE...: the files' entries (one a line, '#' comments), comma-separated.
_images_list() {
  sed -e 's/#.*//' -e 's/[[:space:]]//g' "$@" | grep -v '^$' | paste -sd, -
}

# _images_packages FLAVOUR: the flavour's packages and the runtime's, comma-separated.
_images_packages() {
  local file="$TABBY_ROOT/images/base/$1.packages"
  [ -f "$file" ] || die "no package list $file for base flavour '$1'"
  _images_list "$TABBY_ROOT/images/base/runtime.packages" "$file"
}

# images_runtime: makes (or reuses) the Java runtime the bases carry, var/images/runtime-<hash>/java; prints that
# path. Keyed by the JDK's build (its release file and jmods), the module list and jlink's options.
images_runtime() {
  local modules hash dir tmp
  [ -f "$IMAGES_JDK/jmods/java.base.jmod" ] \
    || die "no jmods in $IMAGES_JDK (jlink needs them); install them: apt-get install openjdk-17-jdk-headless"
  modules=$(_images_list "$TABBY_ROOT/images/base/runtime.modules")
  [ -n "$modules" ] || die "images/base/runtime.modules names no module"
  hash=$( { cat "$IMAGES_JDK/release"; sha256sum "$IMAGES_JDK"/jmods/*.jmod; echo "$modules" "${IMAGES_JLINK_OPTS[@]}"; } \
    | sha256sum | cut -c1-12)
  dir="$(_images_var)/runtime-$hash"
  if [ ! -x "$dir/java/bin/java" ]; then
    mkdir -p "$(_images_var)"
    say "making the Java runtime ($modules) with jlink" >&2
    # A directory of our own, renamed into place: the bases are made side by side and may race here.
    tmp=$(mktemp -d "$(_images_var)/runtime-$hash.XXXXXX")
    "$IMAGES_JDK/bin/jlink" --module-path "$IMAGES_JDK/jmods" --add-modules "$modules" "${IMAGES_JLINK_OPTS[@]}" \
      --output "$tmp/java" >"$tmp/jlink.log" 2>&1 \
      || { cat "$tmp/jlink.log" >&2; rm -rf "$tmp"; die "jlink of $modules failed (its output is above); check images/base/runtime.modules"; }
    rm -f "$tmp/jlink.log" "$tmp/java/lib/server/classes_nocoops.jsa"
    if mv -T "$tmp" "$dir" 2>/dev/null; then
      # Runtimes of another JDK build, module list or option are stale.
      find "$(_images_var)" -maxdepth 1 -name 'runtime-*' ! -name "runtime-$hash" ! -name "runtime-$hash.*" \
        -exec rm -rf {} +
    else
      rm -rf "$tmp"
    fi
  fi
  echo "$dir/java"
}

# images_base FLAVOUR: makes (or reuses) the base image; prints its name.
images_base() {
  local flavour=$1 pkgs runtime hash ref tar
  pkgs=$(_images_packages "$flavour")
  runtime=$(images_runtime)
  # The runtime's directory name carries its own hash.
  hash=$(printf '%s\n' "$IMAGES_SUITE" "$pkgs" "$IMAGES_SOURCE_DATE_EPOCH" "${IMAGES_MMDEBSTRAP_OPTS[@]}" "$runtime" \
    | sha256sum | cut -c1-12)
  ref="localhost/tabby/base-$flavour:$hash"
  tar="$(_images_var)/base-$flavour-$hash.tar"
  if ! podman image exists "$ref"; then
    if [ ! -f "$tar" ]; then
      mkdir -p "$(_images_var)"
      say "making base $flavour ($pkgs) with mmdebstrap $IMAGES_SUITE" >&2
      # The runtime at /opt/java, and java on PATH where Debian's JRE puts it: the entrypoints run plain `java`.
      SOURCE_DATE_EPOCH=$IMAGES_SOURCE_DATE_EPOCH mmdebstrap -q "${IMAGES_MMDEBSTRAP_OPTS[@]}" --include="$pkgs" \
        --customize-hook="cp -a $(printf %q "$runtime") \"\$1/opt/java\"" \
        --customize-hook='ln -s /opt/java/bin/java "$1/usr/bin/java"' \
        "$IMAGES_SUITE" "$tar.tmp" >&2 \
        || { rm -f "$tar.tmp"; die "mmdebstrap $IMAGES_SUITE --include=$pkgs failed; check the Debian mirror in /etc/apt/sources.list"; }
      mv -f "$tar.tmp" "$tar"
      # Older tarballs of this flavour are stale: a changed package list or option made this one.
      find "$(_images_var)" -maxdepth 1 -name "base-$flavour-*.tar" ! -name "base-$flavour-$hash.tar" -delete
    fi
    podman import -q --change "ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      --change "ENV=LANG=C.UTF-8" --change "ENV=JAVA_HOME=/opt/java" "$tar" "$ref" >/dev/null \
      || die "podman import $tar failed"
    # This flavour's older bases (another package list or option): gone, unless an image still builds on one.
    local other
    for other in $(podman images --format '{{.Repository}}:{{.Tag}}' "localhost/tabby/base-$flavour"); do
      [ "$other" = "$ref" ] || podman rmi "$other" >/dev/null 2>&1 || true
    done
  fi
  echo "$ref"
}

# _images_stage NAME DIR: the build context of image NAME in DIR: its images/<name>/ files and the module's build.
_images_stage() {
  local name=${1#tabby/} ctx=$2 module target
  module=$(_images_conf "$1" module)
  target="$TABBY_ROOT/$module/target"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp -a "$TABBY_ROOT/images/$name/." "$ctx/"
  rm -f "$ctx/image.conf"
  # A Quarkus service without a Containerfile of its own takes the shared one.
  [ -f "$ctx/Containerfile" ] || cp "$TABBY_ROOT/images/quarkus.Containerfile" "$ctx/Containerfile"
  # Every image's JVMs read the one argument file (java @/opt/tabby/jvm/service.args), as the testbed's do.
  mkdir -p "$ctx/jvm"
  cp "$TABBY_ROOT/images/jvm/service.args" "$ctx/jvm/service.args"
  if [ -d "$target/quarkus-app" ]; then
    # Quarkus fast-jar: lib/ (dependencies), quarkus/, app/, quarkus-run.jar, each its own layer.
    cp -a "$target/quarkus-app/." "$ctx/"
    # The build's AppCDS archive is for the build's JVM and the jars' timestamps here: the Containerfile makes the
    # image's own with the image's JVM.
    rm -f "$ctx/app-cds.jsa"
  else
    [ -d "$target/lib" ] || die "$module is not built ($target/lib is missing); run bin/tabby build"
    cp -a "$target/lib" "$ctx/lib"
    mkdir -p "$ctx/app"
    local jar
    for jar in "$target"/*.jar; do
      case "$jar" in *-tests.jar|*-sources.jar|*-javadoc.jar) ;; *) cp -a "$jar" "$ctx/app/" ;; esac
    done
    # The CNI image also carries the scripts that install it (scripts/cni.sh's cni_install) and its classes dir.
    if [ "$name" = cni ]; then
      cp -a "$target/classes" "$ctx/app/classes"
      # The native launcher the install puts on the hosts (tabby-cni, tabby, tabby-ipam).
      [ -x "$target/tabby-cni-launch" ] || die "$module's launcher is not built ($target/tabby-cni-launch); run bin/tabby build"
      cp -a "$target/tabby-cni-launch" "$ctx/app/"
      mkdir -p "$ctx/scripts"
      cp -a "$TABBY_ROOT/scripts/lib.sh" "$TABBY_ROOT/scripts/cni.sh" "$ctx/scripts/"
    fi
  fi
}

# images_build_one NAME VERSION: builds localhost/NAME:VERSION.
images_build_one() {
  local name=$1 version=$2 base ref ctx old new
  base=$(images_base "$(_images_conf "$name" base)")
  ref="localhost/$name:$version"
  ctx="$(_images_var)/context/${name#tabby/}"
  _images_stage "$name" "$ctx"
  old=$(podman image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)
  say "building $ref on $base"
  # --network none: the one RUN step (the AppCDS archive) needs no network, and podman's default bridge would make
  # netavark switch on this host's net.ipv4.ip_forward.
  podman build -q --runtime runc --network none --layers --timestamp 0 --build-arg "BASE=$base" -t "$ref" \
    -f "$ctx/Containerfile" "$ctx" >/dev/null \
    || die "podman build of $ref failed; run: podman build --runtime runc --network none --build-arg BASE=$base -f $ctx/Containerfile $ctx"
  new=$(podman image inspect --format '{{.Id}}' "$ref")
  # The image this tag named before is now untagged: remove it (still used by a container: it stays).
  [ -n "$old" ] && [ "$old" != "$new" ] && podman rmi "$old" >/dev/null 2>&1 || true
  rm -rf "$ctx"
}

# images_build [NAME...]: NAME as in services.yaml (tabby/cni) or without the tabby/ prefix (cni).
images_build() {
  install_missing $PKGS_IMAGES
  local all version wanted=() n
  all=$(images_names)
  [ -n "$all" ] || die "charts/tabby/services.yaml names no image"
  version=$(images_version)
  [ -n "$version" ] || die "cannot read the project version from $TABBY_ROOT/pom.xml"
  for n in "$@"; do
    n="tabby/${n#tabby/}"
    grep -qxF "$n" <<<"$all" || die "no image '$n' in charts/tabby/services.yaml; known: $(echo $all)"
    wanted+=("$n")
  done
  [ ${#wanted[@]} -gt 0 ] || mapfile -t wanted <<<"$all"
  # The bases first, side by side: each mmdebstrap mostly waits on downloads and dpkg (a clean clone: ~3 min, not 5).
  local flavours=() flavour pids=() i
  mapfile -t flavours < <(for n in "${wanted[@]}"; do _images_conf "$n" base; done | sort -u)
  for flavour in "${flavours[@]}"; do
    (images_base "$flavour" >/dev/null) &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || die "making the base ${flavours[$i]} failed (its error is above)"
  done
  # Two images at a time: each one's AppCDS RUN step is a JVM on one core most of its ~10 s. A failed build's own
  # message is above; the first failure ends the run once the builds under way are done.
  local running=() names=() failed=""
  for n in "${wanted[@]}"; do
    (images_build_one "$n" "$version") &
    running+=($!)
    names+=("$n")
    if [ ${#running[@]} -ge 2 ]; then
      wait "${running[0]}" || failed="${failed:-${names[0]}}"
      running=("${running[@]:1}")
      names=("${names[@]:1}")
    fi
  done
  for i in "${!running[@]}"; do
    wait "${running[$i]}" || failed="${failed:-${names[$i]}}"
  done
  [ -z "$failed" ] || die "building the image $failed failed (its error is above)"
  rmdir "$(_images_var)/context" 2>/dev/null || true
  for n in "${wanted[@]}"; do
    podman image inspect --format "localhost/$n:$version {{.Size}}" "localhost/$n:$version" \
      | awk '{ printf "%-50s %5.0f MB\n", $1, $2 / 1e6 }'
  done
}
