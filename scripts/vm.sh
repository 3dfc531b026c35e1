# `bin/tabby vm run`: a command in a small qemu VM with Debian's stock kernel (linux-image-amd64), for tests that
# need kernel modules this host's kernel lacks (ipip). Sourced by bin/tabby. The VM's root is the host's / shared
# read-only over 9p under a tmpfs overlay; the current directory is shared read-write at the same path.
VM_DIR="$TABBY_ROOT/var/vm"
VM_USAGE="usage: bin/tabby vm run [--cpus 2] [--mem 3G] [--timeout 1800] -- CMD..."
# What the initramfs must insmod to mount the root; modprobe adds their dependencies from modules.dep.
VM_BOOT_MODULES="virtio_pci 9pnet_virtio 9p overlay virtio_console"
# The caller's environment that reaches CMD: the basics and every TABBY_ variable (not all of it: nothing else
# of the host's is needed inside, and the run directory should not hold what it does not need).
VM_ENV_NAMES="PATH HOME LANG LANGUAGE LC_ALL TZ TERM USER LOGNAME JAVA_HOME JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS"

# vm_die MESSAGE: vm run's own failures exit 125, as docker run's do, so a caller tells them from CMD's exit codes.
vm_die() {
  printf 'tabby: error: %s\n' "$*" >&2
  exit 125
}

cmd_vm() {
  [ "${1:-}" = run ] || vm_die "$VM_USAGE"
  shift
  vm_run "$@"
}

vm_run() {
  local cpus=2 mem=3G timeout=1800
  while [ $# -gt 0 ]; do
    case "$1" in
      --cpus) cpus=${2:-}; shift 2 || vm_die "--cpus needs a number; $VM_USAGE" ;;
      --mem) mem=${2:-}; shift 2 || vm_die "--mem needs a size; $VM_USAGE" ;;
      --timeout) timeout=${2:-}; shift 2 || vm_die "--timeout needs seconds; $VM_USAGE" ;;
      --) shift; break ;;
      *) vm_die "vm run: unknown argument '$1'; $VM_USAGE" ;;
    esac
  done
  [ $# -gt 0 ] || vm_die "vm run needs a command after --; $VM_USAGE"
  [[ "$cpus" =~ ^[1-9][0-9]*$ ]] || vm_die "--cpus must be a positive number, not '$cpus'"
  [[ "$mem" =~ ^[1-9][0-9]*[MG]?$ ]] || vm_die "--mem must be a size like 3G or 512M, not '$mem'"
  [[ "$timeout" =~ ^[1-9][0-9]*$ ]] || vm_die "--timeout must be a positive number of seconds, not '$timeout'"
  local cwd; cwd=$(pwd -P)
  [ "$cwd" != / ] || vm_die "vm run shares the current directory read-write over /; cd into a directory first"
  # qemu's -fsdev takes its path inside a comma-separated option list.
  case "$cwd" in *,*) vm_die "vm run cannot share a directory whose path has a comma ($cwd); cd elsewhere" ;; esac
  case "$VM_DIR" in *,*) vm_die "vm run keeps its files in $VM_DIR, whose path has a comma; move the checkout" ;; esac

  (install_missing $PKGS_VM) || exit 125
  local kernel kver initrd
  kernel=$(readlink -f /vmlinuz) || true
  kver=${kernel##*/vmlinuz-}
  [ -f "$kernel" ] && [ -d "/lib/modules/$kver" ] \
    || vm_die "no Debian kernel with modules at /vmlinuz; install one: apt-get install linux-image-amd64"
  mkdir -p "$VM_DIR"
  initrd=$(vm_initramfs "$kver") || exit 125

  # Globals, not locals: the EXIT trap that cleans up may run outside vm_run.
  VM_RUN=$(mktemp -d "$VM_DIR/run.XXXXXX")
  local run=$VM_RUN
  trap 'vm_cleanup' EXIT
  trap 'printf "tabby: vm run interrupted; stopped the VM\n" >&2; exit 130' INT
  trap 'printf "tabby: vm run terminated; stopped the VM\n" >&2; exit 143' TERM
  mkdir -m 700 "$run/share"
  vm_write_share "$run/share" "$cwd" "$@"
  mkfifo "$run/stdout" "$run/stderr"
  cat "$run/stdout" &
  VM_READERS=$!
  cat "$run/stderr" >&2 &
  VM_READERS="$VM_READERS $!"

  qemu-system-x86_64 -name tabby-vm -M pc -accel tcg,thread=multi -cpu max -smp "$cpus" -m "$mem" \
    -nodefaults -no-user-config -display none -no-reboot \
    -kernel "$kernel" -initrd "$initrd" -append "console=ttyS0 quiet panic=-1" \
    -serial "file:$run/console.log" \
    -fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap" \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
    -fsdev "local,id=cwd,path=$cwd,security_model=none,multidevs=remap" \
    -device virtio-9p-pci,fsdev=cwd,mount_tag=cwd \
    -fsdev "local,id=tabbyrun,path=$run/share,security_model=none" \
    -device virtio-9p-pci,fsdev=tabbyrun,mount_tag=tabbyrun \
    -device virtio-serial-pci \
    -chardev "file,id=out,path=$run/stdout,append=on" -device virtserialport,chardev=out,name=tabby.stdout \
    -chardev "file,id=err,path=$run/stderr,append=on" -device virtserialport,chardev=err,name=tabby.stderr \
    </dev/null >"$run/qemu.log" 2>&1 &
  VM_QEMU=$!
  vm_watchdog "$VM_QEMU" "$timeout" "$run/timed-out" &
  VM_WATCHDOG=$!

  local qemu_rc=0
  wait "$VM_QEMU" || qemu_rc=$?
  VM_QEMU=""
  if [ -f "$run/timed-out" ]; then
    printf 'tabby: error: vm run timed out after %s s; killed the VM (raise --timeout if CMD needs longer)\n' "$timeout" >&2
    exit 124
  fi
  if [ -f "$run/share/exit" ]; then
    exit "$(cat "$run/share/exit")"
  fi
  vm_explain_failure "$run" "$qemu_rc"
  exit 125
}

# vm_cleanup: on every way out of vm_run, qemu (ours, by PID) and the watchdog end, the output readers drain, and
# the run directory goes (its kernel console kept as last-console.log).
vm_cleanup() {
  if [ -n "${VM_QEMU:-}" ]; then
    kill "$VM_QEMU" 2>/dev/null || true
    wait "$VM_QEMU" 2>/dev/null || true
  fi
  [ -z "${VM_WATCHDOG:-}" ] || kill "$VM_WATCHDOG" 2>/dev/null || true
  [ -n "${VM_RUN:-}" ] || return 0
  vm_release_fifo "$VM_RUN/stdout"
  vm_release_fifo "$VM_RUN/stderr"
  local pid
  for pid in ${VM_READERS:-}; do wait "$pid" 2>/dev/null || true; done
  [ ! -f "$VM_RUN/console.log" ] || cp "$VM_RUN/console.log" "$VM_DIR/last-console.log" || true
  rm -rf "$VM_RUN"
}

# vm_write_share DIR CWD CMD...: what the guest reads (scripts/vm/guest.sh): the environment, argv, directory.
vm_write_share() {
  local dir=$1 cwd=$2 name
  shift 2
  (
    umask 077
    for name in $VM_ENV_NAMES $(compgen -e | grep '^TABBY_' || true); do
      if [ -n "${!name+set}" ]; then printf 'export %s=%q\n' "$name" "${!name}"; fi
    done > "$dir/env"
  )
  printf '%s\0' "$@" > "$dir/argv"
  printf '%s' "$cwd" > "$dir/cwd"
  cp "$TABBY_ROOT/scripts/vm/guest.sh" "$dir/guest.sh"
}

# vm_watchdog PID SECONDS MARK: kills qemu (by PID) when the run outlives its timeout, leaving MARK to say why.
vm_watchdog() {
  local pid=$1 left=$2 mark=$3
  while [ "$left" -gt 0 ]; do
    sleep 1
    kill -0 "$pid" 2>/dev/null || return 0
    left=$((left - 1))
  done
  : > "$mark"
  kill "$pid" 2>/dev/null
}

# vm_release_fifo PATH: a reader still blocked opening PATH (qemu never opened it) gets EOF; an O_RDWR open of a
# FIFO never blocks, so this is safe when the reader is already gone too.
vm_release_fifo() {
  local fd
  [ -p "$1" ] || return 0
  exec {fd}<>"$1"
  exec {fd}>&-
}

vm_explain_failure() {
  local run=$1 qemu_rc=$2
  {
    [ -s "$run/qemu.log" ] && sed 's/^/qemu: /' "$run/qemu.log" | tail -n 5
    [ -s "$run/console.log" ] && grep -v '^\s*$' "$run/console.log" | sed 's/^/console: /' | tail -n 15
    printf 'tabby: error: the VM stopped before CMD finished (qemu exit %s): it did not boot or its kernel crashed; see the kernel console in %s\n' \
      "$qemu_rc" "$VM_DIR/last-console.log"
  } >&2
}

# vm_initramfs KVER: prints the path of the initramfs for that kernel, built once per kernel and init script.
vm_initramfs() {
  local kver=$1 key img
  key=$( { cat "$TABBY_ROOT/scripts/vm/init"; echo "$VM_BOOT_MODULES"; } | sha256sum | cut -c1-12)
  img="$VM_DIR/initramfs-$kver-$key.img"
  [ -s "$img" ] && { echo "$img"; return 0; }
  ldd /bin/busybox >/dev/null 2>&1 \
    && vm_die "/bin/busybox is dynamically linked; the VM's initramfs needs a static one: apt-get install busybox-static"
  local tmp; tmp=$(mktemp -d "$VM_DIR/initramfs.XXXXXX")
  mkdir -p "$tmp/bin" "$tmp/dev" "$tmp/proc" "$tmp/sys" "$tmp/lower" "$tmp/rw" "$tmp/newroot" "$tmp/lib/modules/boot"
  cp /bin/busybox "$tmp/bin/busybox"
  install -m 755 "$TABBY_ROOT/scripts/vm/init" "$tmp/init"
  local deps module path list=""
  # --show-depends lists "insmod PATH" in load order (dependencies first) and "builtin NAME" for built-in ones.
  for module in $VM_BOOT_MODULES; do
    deps=$(/sbin/modprobe -S "$kver" --show-depends "$module" 2>&1) \
      || { rm -rf "$tmp"; vm_die "kernel $kver has no module $module ($deps); reinstall linux-image-amd64"; }
    list+="$deps"$'\n'
  done
  awk '$1 == "insmod" && !seen[$2]++ { print $2 }' <<<"$list" > "$tmp/modules.list"
  while read -r path; do
    module=$(basename "$path"); module=${module%.xz}; module=${module%.zst}
    # busybox insmod loads plain .ko files; some kernels ship their modules compressed.
    case "$path" in
      *.xz) xz -dc "$path" > "$tmp/lib/modules/boot/$module" ;;
      *.zst) zstd -qdc "$path" > "$tmp/lib/modules/boot/$module" ;;
      *) cp "$path" "$tmp/lib/modules/boot/$module" ;;
    esac
    echo "$module" >> "$tmp/lib/modules/boot/order"
  done < "$tmp/modules.list"
  rm "$tmp/modules.list"
  # A private name until complete: concurrent runs may build the same image, and qemu must never read half of one.
  (cd "$tmp" && find . -mindepth 1 | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$tmp.img" \
    || { rm -rf "$tmp" "$tmp.img"; vm_die "could not write the VM initramfs $img"; }
  rm -rf "$tmp"
  mv "$tmp.img" "$img"
  local old
  for old in "$VM_DIR/initramfs-$kver-"*.img; do
    [ "$old" = "$img" ] || rm -f "$old"
  done
  echo "$img"
}
