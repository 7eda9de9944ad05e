# Shared by the VM scripts: where things are, and how to say what went wrong.
# shellcheck shell=bash

XTCP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XTCP_CACHE=${XTCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xtcp}
XTCP_SOURCE_PKG=linux-source-6.12
XTCP_STOCK_PKGS="linux-image-amd64 linux-headers-amd64"

die() {
	echo "xtcp: $*" >&2
	exit 1
}

note() {
	echo "xtcp: $*" >&2
}

# The Debian packages the project needs, by the command or file that shows
# each one is there. "xtcp_need_packages demo" wants only what booting the
# stock kernel with xtcp takes (make demo's first run stays short).
xtcp_need_packages() {
	local missing=() pair pairs=(
		qemu-system-x86_64:qemu-system-x86
		gcc:build-essential make:build-essential
		modprobe:kmod ip:iproute2 python3:python3 rsync:rsync)
	[[ ${1:-} == demo ]] || pairs+=(
		flex:flex bison:bison bc:bc cpio:cpio
		/usr/include/libelf.h:libelf-dev
		/usr/include/openssl/ssl.h:libssl-dev
		sparse:sparse tc:iproute2
		tcpdump:tcpdump tshark:tshark xz:xz-utils
		perl:perl /usr/lib/python3/dist-packages/pyflakes:pyflakes3
		/usr/src/$XTCP_SOURCE_PKG.tar.xz:$XTCP_SOURCE_PKG)
	for pair in "${pairs[@]}"; do
		local what=${pair%%:*} pkg=${pair#*:}
		if [[ $what == /* ]]; then
			[[ -e $what ]] && continue
		else
			command -v "$what" >/dev/null 2>&1 && continue
		fi
		missing+=("$pkg")
	done
	# Debian's stock kernel: its image to boot, its headers to build against.
	[[ -n $(xtcp_stock_release) ]] || missing+=($XTCP_STOCK_PKGS)
	[[ ${#missing[@]} -eq 0 ]] && return 0
	# shellcheck disable=SC2207
	missing=($(printf '%s\n' "${missing[@]}" | sort -u))
	[[ $(id -u) -eq 0 ]] || die "missing packages: ${missing[*]} (run as root, or apt-get install them)"
	note "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

# The newest Debian stock kernel that has both its image and its headers.
xtcp_stock_release() {
	local vmlinuz rel
	for vmlinuz in $(ls -v /boot/vmlinuz-*-amd64 2>/dev/null | tac); do
		rel=${vmlinuz#/boot/vmlinuz-}
		if [[ -e /lib/modules/$rel/build/Makefile && -e /lib/modules/$rel/modules.dep ]]; then
			echo "$rel"
			return
		fi
	done
}

# The test kernel's cache key: the source package's version and every
# fragment, so a change to either builds a new kernel and nothing else does.
xtcp_kernel_key() {
	{
		dpkg-query -W -f='${Version}\n' "$XTCP_SOURCE_PKG"
		cat "$XTCP_TOP"/tools/vm/config/*.config "$XTCP_TOP"/tools/vm/build-kernel
	} | sha256sum | cut -c1-16
}

xtcp_kernel_dir() {
	echo "$XTCP_CACHE/kernel-$(xtcp_kernel_key)"
}

# Lines of a console log that are kernel reports: any of them fails a run.
XTCP_REPORT_RE='(BUG:|WARNING:|-+\[ cut here \]-+|Oops|Kernel panic|general protection fault|UBSAN:|unreferenced object|kmemleak: [0-9]+ new suspected|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|lock held when returning|bad unlock balance|blocked for more than|rcu: INFO:|detected stalls|soft lockup|hard LOCKUP|ODEBUG:|list_(add|del) corruption|refcount_t:|Workqueue lockup|stack-protector)'

xtcp_console_reports() {
	tr -d '\r' <"$1" | grep -E "$XTCP_REPORT_RE" || true
}
