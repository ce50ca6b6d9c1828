#!/bin/sh
# setup.sh builds the container's root filesystem and then becomes its PID 1.
#
# launch.go starts it with clone(2) flags CLONE_NEWPID|CLONE_NEWNS (and
# CLONE_NEWNET), so it already is PID 1 of a fresh PID namespace, in a mount
# namespace whose mounts it first makes private: every mount below is then
# invisible to the host and disappears with the namespace. Nothing is written
# to the host: the new root is a tmpfs scaffold holding read-only binds of
# the host's top-level directories (so node, nginx, php... are available), and
# the few places the harness adds (/app, /home/cloudron) are directories in
# that tmpfs, never on the host.
#
# Inputs (set by launch.go):
#   HARNESS_ROOT      empty host directory to build the root on
#   HARNESS_PLAN      mount plan, one "kind<TAB>src<TAB>dst<TAB>opt" per line
#   HARNESS_PROCS     cgroup v1 cgroup.procs files to join, one per line
#   HARNESS_CGROUPNS  1: enter a new cgroup namespace (cgroup v2)
#   HARNESS_WRITABLE  1: debug mode, host directories become overlays on tmpfs
#   HARNESS_UPPER     empty host directory for the overlays' upper layers
#   HARNESS_NETNS     1: a private network namespace; bring lo up
#   HARNESS_DIR       working directory of the program
#   "$@"              NAME=VALUE... then the program's argv, for env -i
# fd 3 (the barrier): "exec" just before the program is exec'd; EOF without
# it means setup failed (the reason is on stderr).
set -eu

fail() {
	echo "harness-setup: $*" >&2
	exit 125
}

# Join the container's cgroup v1 hierarchies before anything forks, so every
# process of the container is charged to them. The builtin echo writes from
# this very process, and the kernel reads the pid ($$, i.e. 1) in the
# writer's PID namespace. On v2, clone3(CLONE_INTO_CGROUP) already put us there.
if [ -n "${HARNESS_PROCS:-}" ]; then
	set -f
	saved_ifs=$IFS
	IFS='
'
	for f in $HARNESS_PROCS; do
		echo $$ >"$f" || fail "cannot join the cgroup $f"
	done
	IFS=$saved_ifs
	set +f
fi
# A cgroup namespace is rooted at the cgroup its creator is in at that moment,
# so it is made here, inside the container's cgroup, rather than by clone(2).
if [ "${HARNESS_CGROUPNS:-0}" = 1 ]; then
	HARNESS_CGROUPNS=0 exec unshare --cgroup /bin/sh "$0" "$@"
fi

# Without this, mounts would propagate back to the host's shared mounts.
mount --make-rprivate / || fail "cannot make the mounts private"

R=$HARNESS_ROOT
TAB=$(printf '\t')

mount -t tmpfs -o mode=0755 harness-root "$R" || fail "cannot mount the root tmpfs on $R"

# Debug mode (Options.Writable): like the platform's repair mode the root is
# writable, but writes must not reach the host, so each host directory becomes
# an overlay whose upper layer lives in this tmpfs. Submounts of the host
# directories are not visible through an overlay; debug mode accepts that.
if [ "${HARNESS_WRITABLE:-0}" = 1 ]; then
	U=$HARNESS_UPPER
	mount -t tmpfs -o mode=0700 harness-upper "$U" || fail "cannot mount the overlay tmpfs on $U"
fi

# Top-level entries the harness provides itself rather than taking from the host.
provided() {
	case "$1" in
	proc | sys | dev | run | tmp | app | home) return 0 ;;
	esac
	return 1
}

for p in /* /.[!.]*; do
	[ -e "$p" ] || [ -L "$p" ] || continue # an unmatched glob
	name=${p#/}
	provided "$name" && continue
	if [ -L "$p" ]; then
		ln -s "$(readlink "$p")" "$R/$name"
	elif [ -d "$p" ]; then
		mkdir "$R/$name"
		if [ "${HARNESS_WRITABLE:-0}" = 1 ]; then
			u="$U/$name"
			mkdir "$u" "$u.work"
			mount -t overlay -o "lowerdir=$p,upperdir=$u,workdir=$u.work" overlay "$R/$name" ||
				fail "cannot mount an overlay over $p"
		else
			mount --rbind "$p" "$R/$name" || fail "cannot bind $p"
		fi
	elif [ -f "$p" ] && [ "${HARNESS_WRITABLE:-0}" = 1 ]; then
		cp -p "$p" "$R/$name"
	elif [ -f "$p" ]; then
		: >"$R/$name"
		mount --bind "$p" "$R/$name" || fail "cannot bind $p"
	fi
done

# mount(8): "It's impossible to change mount options recursively (for example
# with -o rbind,ro)" in util-linux 2.38, so every mount now under $R (the binds
# and the host submounts they carried along) is remounted read-only one by one.
# A submount that refuses (a dead FUSE mount, say) is detached instead: nothing
# under the new root may stay writable by accident.
awk '{print $5}' /proc/self/mountinfo | while read -r m; do
	m=$(printf '%b' "$m") # mountinfo escapes space as \040
	case "$m" in
	"$R"/*) ;;
	*) continue ;;
	esac
	if [ "${HARNESS_WRITABLE:-0}" = 1 ] && [ "$(dirname "$m")" = "$R" ]; then
		continue # an overlay: writable on purpose
	fi
	mount -o remount,bind,ro "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
done

mkdir "$R/proc" "$R/sys" "$R/dev" "$R/run" "$R/tmp" "$R/app" "$R/home"
# A procfs mounted from inside the new PID namespace shows that namespace.
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
# Docker mounts sysfs read-only; /sys/fs/cgroup is filled from the plan.
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"

# A minimal /dev as Docker builds it: a few host nodes, a private devpts and shm.
mount -t tmpfs -o mode=0755,nosuid,size=64k harness-dev "$R/dev"
for n in null zero full random urandom tty; do
	: >"$R/dev/$n"
	mount --bind "/dev/$n" "$R/dev/$n"
done
mkdir "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev,noexec,size=64m harness-shm "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"

# The plan: /run, /tmp, /app/*, /etc/passwd, the cgroup files... Mount points
# are created in the tmpfs scaffold; a target under a read-only host bind that
# does not exist fails here with EROFS instead of creating junk on the host.
while IFS=$TAB read -r kind src dst opt <&4; do
	t="$R$dst"
	case "$kind" in
	bind)
		if [ -d "$src" ]; then
			mkdir -p "$t" || fail "cannot create the mount point $dst"
		elif [ ! -e "$t" ]; then
			mkdir -p "$(dirname "$t")" && : >"$t" || fail "cannot create the mount point $dst"
		fi
		if [ "$opt" = ro ]; then
			mount --bind -o ro "$src" "$t" || fail "cannot bind $src on $dst"
		else
			mount --bind "$src" "$t" || fail "cannot bind $src on $dst"
		fi
		;;
	tmpfs)
		mkdir -p "$t" || fail "cannot create the mount point $dst"
		mount -t tmpfs -o "$opt" harness-tmpfs "$t" || fail "cannot mount a tmpfs on $dst"
		;;
	cgroup2)
		mount -t cgroup2 -o ro,nosuid,nodev,noexec cgroup2 "$t" || fail "cannot mount cgroup2 on $dst"
		;;
	dir) # opt is uid:gid:mode
		mkdir -p "$t" && chown "${opt%:*}" "$t" && chmod "${opt##*:}" "$t" ||
			fail "cannot create the directory $dst"
		;;
	remount-ro)
		mount -o remount,ro "$t" || fail "cannot remount $dst read-only"
		;;
	*)
		fail "unknown plan line kind $kind"
		;;
	esac
done 4<"$HARNESS_PLAN"

if [ "${HARNESS_NETNS:-0}" = 1 ]; then
	ip link set lo up || fail "cannot bring up lo"
fi

if [ "${HARNESS_WRITABLE:-0}" != 1 ]; then
	mount -o remount,ro "$R" || fail "cannot remount the root read-only"
fi

# pivot_root(2): "new_root and put_old may be the same directory"; the old root
# is then stacked on top of the new one and detached, as runc does, so the host
# root is unreachable from inside (chroot would leave it reachable).
cd "$R"
pivot_root . . || fail "cannot pivot_root to $R"
umount -l . || fail "cannot detach the old root"
cd "$HARNESS_DIR" || fail "cannot change to $HARNESS_DIR"

echo exec >&3
exec 3>&-
exec env -i "$@"
