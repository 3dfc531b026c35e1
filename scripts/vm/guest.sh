#!/bin/bash
# Process 1 of the VM that `bin/tabby vm run` boots, after scripts/vm/init mounted the root: makes the system a
# test expects (mounts, loopback, hostname), runs the caller's command with the caller's environment in the
# caller's directory, writes its exit code into the run share and powers off. Runs from the host's bash.
run=/run/tabby-vm

power_off() {
    sync
    /bin/busybox poweroff -f
    echo o > /proc/sysrq-trigger
    while :; do sleep 1; done
}

# devtmpfs has no /dev/fd or /dev/std*; bash process substitution and many tools expect them.
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
ln -sf pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
# As systemd leaves it: shared propagation, which `ip netns add` relies on for its /run/netns bind mounts.
mount --make-rshared /
hostname tabby-vm
ip link set lo up

# The host's ends of these virtio serial ports are its stdout and stderr; find them by the names vm.sh gave them.
out="" err=""
for port in /sys/class/virtio-ports/*; do
    case "$(cat "$port/name" 2>/dev/null)" in
        tabby.stdout) out=/dev/${port##*/} ;;
        tabby.stderr) err=/dev/${port##*/} ;;
    esac
done
if [ -z "$out" ] || [ -z "$err" ]; then
    echo "tabby-vm: guest: no tabby.stdout/tabby.stderr virtio ports" > /dev/console
    power_off
fi

set -a
# shellcheck disable=SC1091 # written by vm.sh for this run
source "$run/env"
set +a
# Scripts that must not do inside what belongs on the host (bin/tabby's build: Maven under TCG takes many minutes).
export TABBY_IN_VM=1
mapfile -d '' -t argv < "$run/argv"
cd "$(cat "$run/cwd")" || { echo "tabby-vm: guest: cannot enter $(cat "$run/cwd")" > "$err"; power_off; }

# A repository's var/ holds runtime state (etcd's data and PID file, the testbed's state with its PIDs). Inside, it is
# the VM's own: the host's copy read through an overlay, written to tmpfs, so a PID recorded in here never reaches the
# host, where it would name some other process.
if [ -x bin/tabby ] && [ -d var ]; then
    mkdir -p /run/tabby-var/upper /run/tabby-var/work
    mount -t overlay overlay -o "lowerdir=$PWD/var,upperdir=/run/tabby-var/upper,workdir=/run/tabby-var/work" "$PWD/var" \
        || { echo "tabby-vm: guest: cannot overlay $PWD/var" > "$err"; power_off; }
fi

"${argv[@]}" < /dev/null > "$out" 2> "$err"
code=$?
echo "$code" > "$run/exit.tmp" && mv "$run/exit.tmp" "$run/exit"
power_off
