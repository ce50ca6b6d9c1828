#!/bin/bash
# base-image.sh builds the Docker image appstart-e2e-base that `make e2e` runs
# every example in: a Debian bookworm root made by debootstrap with the
# examples' servers (node, nginx, php-fpm, Apache with mod_php, PostgreSQL,
# busybox) and the platform's cloudron user (uid/gid 1000). No image registry
# is reachable here, so the root comes from the Debian mirror apt already uses
# and `docker import` turns it into an image.
#
# The root is built once: the tarball is cached under $CACHE_DIR, named after
# a hash of the package list, the suite and RECIPE, so a second run only
# imports it (or does nothing when the image already carries that key).
#
#   sudo testdata/e2e/base-image.sh          # prints the image reference
#   MIRROR=http://ftp.fr.debian.org/debian sudo testdata/e2e/base-image.sh
set -euo pipefail

SUITE=${SUITE:-bookworm}
IMAGE=${IMAGE:-appstart-e2e-base}
CACHE_DIR=${CACHE_DIR:-/var/cache/appstart-e2e}
# RECIPE changes whenever the steps below change what ends up in the root.
RECIPE=1
# The examples' Dockerfiles install nodejs, nginx, php8.2-fpm, php8.2-pgsql,
# apache2, libapache2-mod-php8.2, mediawiki, wordpress and php8.2-mysql;
# postgresql and mariadb-server run the addons' containers
# and busybox gives `docker exec` a wget.
PACKAGES=${PACKAGES:-nodejs,nginx,php-fpm,php-cli,php-pgsql,apache2,libapache2-mod-php,postgresql,postgresql-client,busybox,mediawiki,wordpress,wordpress-theme-twentytwentythree,php-mysql,mariadb-server}
# Installed after debootstrap, once a preseed answers their questions:
# redmine's postinst would make its database through dbconfig-common (and
# fail, no server running in the chroot), which would fail debootstrap.
LATE_PACKAGES=${LATE_PACKAGES:-redmine redmine-pgsql puma git curl ca-certificates}

log() { echo "base-image: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, docker)"
for cmd in debootstrap docker tar sha256sum flock; do
	command -v "$cmd" >/dev/null || die "$cmd is not installed"
done

# mirror prints the first Debian mirror apt uses for $SUITE: deb822 .sources
# files (Debian 12's default) and one-line .list files; *.disabled* and other
# names are not read by apt, so they are skipped here too (sources.list(5)).
mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v suite="$SUITE" '
			function flush() { if (!done && uris != "" && (" " suites " ") ~ (" " suite " ") && types ~ /(^| )deb( |$)/) { split(uris, u, " "); print u[1]; done = 1; exit } uris = suites = types = "" }
			/^[ \t]*$/ { flush(); next }
			/^#/ { next }
			tolower($1) == "uris:" { $1 = ""; uris = $0 }
			tolower($1) == "suites:" { $1 = ""; suites = $0 }
			tolower($1) == "types:" { $1 = ""; types = $0 }
			END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		# deb [options] URI SUITE COMPONENTS...
		awk -v suite="$SUITE" '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1) == suite) { print $i; exit } }' "$f"
	done
}

if [ -z "${MIRROR:-}" ]; then
	MIRROR=$(mirror | head -n1)
	[ -n "$MIRROR" ] || die "no apt source for $SUITE in /etc/apt/sources.list(.d): set MIRROR"
fi

KEY=$(printf '%s\n' "recipe=$RECIPE" "suite=$SUITE" "packages=$PACKAGES" "late=$LATE_PACKAGES" | sha256sum | cut -c1-16)
TAG="$IMAGE:$KEY"
TARBALL="$CACHE_DIR/rootfs-$SUITE-$KEY.tar"

mkdir -p "$CACHE_DIR"
# One build at a time: a second `make e2e` waits and then reuses the tarball.
exec 9>"$CACHE_DIR/lock"
flock 9

if docker image inspect "$TAG" >/dev/null 2>&1; then
	docker tag "$TAG" "$IMAGE:latest"
	log "$TAG exists (key $KEY): nothing to do"
	echo "$TAG"
	exit 0
fi

if [ ! -s "$TARBALL" ]; then
	ROOT=$(mktemp -d "$CACHE_DIR/root.XXXXXX")
	# mktemp makes it 0700: inside the chroot no user but root could reach
	# /bin/sh (redmine's postinst runs `su www-data` and failed with 126).
	chmod 0755 "$ROOT"
	cleanup() {
		# debootstrap mounts /proc and /sys in the target; a failed run can
		# leave them, and rm must never walk into the host's /proc.
		findmnt -rn -o TARGET | grep -F "$ROOT/" | sort -r | xargs -r umount -l || true
		rm -rf --one-file-system "$ROOT"
	}
	trap cleanup EXIT
	log "debootstrap $SUITE from $MIRROR into $ROOT (packages: $PACKAGES)"
	start=$(date +%s)
	# debootstrap writes its own policy-rc.d (exit 101) and a fake
	# start-stop-daemon while it configures the packages, so nginx, apache2,
	# php-fpm and postgresql are installed but never started in the chroot
	# (invoke-rc.d(8), /usr/share/debootstrap/scripts/debian-common).
	# Its progress goes to stderr with the rest of the log: stdout carries
	# only the image reference, which `make e2e` captures.
	debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOT" "$MIRROR" >&2
	log "debootstrap took $(($(date +%s) - start)) s"

	# Prove it: no process may have the new root as its root directory.
	for p in /proc/[0-9]*; do
		if [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ]; then
			die "a process runs inside the new root after debootstrap: pid ${p#/proc/} $(tr '\0' ' ' <"$p/cmdline")"
		fi
	done

	# Kept in the image: nothing run later in it (a package author's
	# apt-get in a derived image) starts a daemon behind appstart's back.
	printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
	chmod 0755 "$ROOT/usr/sbin/policy-rc.d"

	if [ -n "$LATE_PACKAGES" ]; then
		log "apt-get install $LATE_PACKAGES in the root"
		cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
		echo 'redmine redmine/instances/default/dbconfig-install boolean false' | chroot "$ROOT" debconf-set-selections
		chroot "$ROOT" apt-get update >&2
		# shellcheck disable=SC2086 # a list of package names
		DEBIAN_FRONTEND=noninteractive chroot "$ROOT" apt-get install -y --no-install-recommends $LATE_PACKAGES >&2
	fi

	# The platform's app user, as the examples' Dockerfiles make it.
	chroot "$ROOT" groupadd -g 1000 cloudron >&2
	chroot "$ROOT" useradd -u 1000 -g 1000 -d /home/cloudron -m -s /bin/sh cloudron >&2

	# What images built by Docker leave out: downloaded .debs, apt lists,
	# the host's resolver and name (Docker mounts its own).
	rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* "$ROOT"/tmp/* "$ROOT"/var/tmp/*
	rm -f "$ROOT/etc/resolv.conf" "$ROOT/etc/hostname"
	# The sources.list debootstrap wrote names the mirror used; keep it.

	tar --numeric-owner --xattrs -C "$ROOT" -cf "$TARBALL.tmp" .
	mv "$TARBALL.tmp" "$TARBALL"
	log "cached $TARBALL ($(du -h "$TARBALL" | cut -f1))"
else
	log "reusing $TARBALL"
fi

docker import --message "debootstrap $SUITE ($PACKAGES)" "$TARBALL" "$TAG" >/dev/null
docker tag "$TAG" "$IMAGE:latest"
log "imported $TAG"
echo "$TAG"
