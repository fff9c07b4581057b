#!/usr/bin/env bash
# Builds kube-apiserver (1.20.2) from Debian's `kubernetes` source package, offline, with Debian's Go, and caches the
# binary under ${CANARY_LENS_CACHE:-$HOME/.cache/canary-lens}/kube/kube-apiserver (outside the work tree).
# Also makes sure the runtime tools the test harness needs are present (etcd, openssl, kubectl).
#
# Idempotent: when the cached binary exists and answers `--version`, nothing is built. A cold build takes 6-9 minutes,
# peaks at about 1.3 GB of memory and needs about 2.1 GB of disk; the source tree is removed after a successful build.
# The recipe: Debian's `kubernetes` source package, built offline with Debian's Go (the steps below).
#
# The apt source is read from the machine's own apt configuration at run time; /etc/apt is never modified (the deb-src
# list, its indexes and the downloaded source live in private folders under the cache folder).
#
# Usage: test/cluster/build-kube-apiserver.sh        (prints the binary's path as the last line on success)
# Env:   CANARY_LENS_CACHE   cache root (default ~/.cache/canary-lens)
#        CANARY_LENS_KEEP_SRC=1  keep the source tree after the build (debugging)
set -euo pipefail

K8S_DEB_VERSION='1.20.5+really1.20.2-1.1+deb12u1'
ORIG_TARBALL='kubernetes_1.20.5+really1.20.2.orig.tar.gz'
SRC_DIR_NAME='kubernetes-1.20.2'
RUNTIME_PACKAGES=(etcd-server openssl)
BUILD_PACKAGES=(golang-go rsync jq golang-github-modern-go-reflect2-dev make)

W="${CANARY_LENS_CACHE:-$HOME/.cache/canary-lens}/kube"
BIN="$W/kube-apiserver"
T0=$(date +%s)

log() { printf '[build-kube-apiserver +%ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
DIED=0
HEARTBEAT=''
die() { DIED=1; printf '[build-kube-apiserver] FAILED after %ss: %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; exit 1; }
on_exit() {
  local rc=$?
  [ -n "$HEARTBEAT" ] && kill "$HEARTBEAT" 2>/dev/null
  if [ $rc -ne 0 ] && [ $DIED = 0 ]; then
    printf '[build-kube-apiserver] FAILED (exit %s) after %ss; see the output above\n' "$rc" "$(( $(date +%s) - T0 ))" >&2
  fi
}
trap on_exit EXIT

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@";
  else die "need root (or passwordless sudo) to run: $*"; fi
}

APT_UPDATED=0
apt_install() { # installs the given packages that are not installed yet
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $APT_UPDATED = 0 ]; then
    log "apt-get update (system lists)"
    as_root apt-get update -qq || die "apt-get update failed"
    APT_UPDATED=1
  fi
  log "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
}

binary_ok() { [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; }

ensure_runtime() {
  apt_install "${RUNTIME_PACKAGES[@]}"
  command -v etcd >/dev/null || die "etcd not found after installing etcd-server"
  if ! command -v kubectl >/dev/null; then
    log "kubectl missing; installing Debian's kubernetes-client"
    apt_install kubernetes-client
  fi
}

mkdir -p "$W"

# Fast path: a working cached binary (no lock needed, no apt unless a runtime tool is missing).
if binary_ok; then
  ensure_runtime
  log "cached: $BIN ($("$BIN" --version 2>&1))"
  echo "$BIN"
  exit 0
fi

# Serialise concurrent builds (two test processes starting at once).
exec 9>"$W/.build.lock"
if ! flock -n 9; then
  log "another build is running; waiting for it (lock $W/.build.lock)"
  flock 9
fi
if binary_ok; then
  ensure_runtime
  log "built by another process: $BIN"
  echo "$BIN"
  exit 0
fi

log "stage 1/6: packages"
ensure_runtime
apt_install "${BUILD_PACKAGES[@]}"
command -v go >/dev/null || die "go not found after installing golang-go"
log "go: $(go version)"

log "stage 2/6: private deb-src list from the machine's apt configuration"
URI=''
if [ -r /etc/apt/sources.list.d/debian.sources ]; then
  URI=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$URI" ] && [ -r /etc/apt/sources.list ]; then
  URI=$(awk '$1=="deb" { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
fi
[ -n "$URI" ] || die "could not read an apt URI from /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
SUITE=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
SUITE=${SUITE:-bookworm}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$KEYRING" ] || die "missing $KEYRING"
mkdir -p "$W"/{lists/partial,cache/archives/partial,parts,src,home}
echo "deb-src [signed-by=$KEYRING] $URI $SUITE main" > "$W/src.list"
A=(-o "Dir::Etc::SourceList=$W/src.list" -o "Dir::Etc::SourceParts=$W/parts" -o "Dir::State::Lists=$W/lists"
   -o "Dir::Cache=$W/cache" -o "Acquire::Languages=none")
# As root, apt would download as user _apt, who cannot write under $HOME: download as root (and say nothing about it).
[ "$(id -u)" = 0 ] && A+=(-o "APT::Sandbox::User=root")

log "stage 3/6: apt-get update (private deb-src list for $SUITE)"
apt-get "${A[@]}" -qq update >&2 || die "apt-get update of the private deb-src list failed"

log "stage 4/6: download and unpack the kubernetes source package"
cd "$W/src"
if [ ! -f "$ORIG_TARBALL" ]; then
  if ! apt-get "${A[@]}" -qq source --download-only "kubernetes=$K8S_DEB_VERSION" >&2; then
    log "kubernetes=$K8S_DEB_VERSION not found; trying the suite's current version"
    apt-get "${A[@]}" -qq source --download-only kubernetes >&2 || die "apt-get source kubernetes failed"
  fi
fi
TARBALL=$(ls -1 kubernetes_*.orig.tar.gz 2>/dev/null | head -1)
[ -n "$TARBALL" ] || die "no kubernetes_*.orig.tar.gz downloaded into $W/src"
rm -rf "$SRC_DIR_NAME"
tar xzf "$TARBALL"
SRC=$(find . -maxdepth 1 -type d -name 'kubernetes-*' | head -1)
[ -n "$SRC" ] && [ -d "$SRC/vendor" ] || die "unexpected source layout in $W/src (no kubernetes-*/vendor)"
cd "$SRC"
log "source: $W/src/${SRC#./} ($(du -sh . | cut -f1))"

log "stage 5/6: patch vendored reflect2 (1.0.1 crashes under Go >= 1.18) with Debian's 1.0.2"
R=/usr/share/gocode/src/github.com/modern-go/reflect2
[ -d "$R" ] || die "$R missing (golang-github-modern-go-reflect2-dev)"
rm -rf vendor/github.com/modern-go/reflect2 && mkdir -p vendor/github.com/modern-go/reflect2
cp "$R"/*.go "$R"/*.s vendor/github.com/modern-go/reflect2/
rm -f vendor/github.com/modern-go/reflect2/*_test.go

log "stage 6/6: go build of cmd/kube-apiserver (6-9 minutes on 2 cores; a heartbeat line every 30 s)"
B0=$(date +%s)
( while sleep 30; do
    printf '[build-kube-apiserver +%ss] still building (%ss in go build, %s free memory)\n' \
      "$(( $(date +%s) - T0 ))" "$(( $(date +%s) - B0 ))" "$(awk '/MemAvailable/{printf "%d MB", $2/1024}' /proc/meminfo)" >&2
  done ) &
HEARTBEAT=$!
set +e
HOME=$W/home GOPROXY=off CGO_ENABLED=0 make WHAT=cmd/kube-apiserver KUBE_BUILD_PLATFORMS=linux/amd64 >&2
RC=$?
set -e
kill "$HEARTBEAT" 2>/dev/null || true
wait "$HEARTBEAT" 2>/dev/null || true
HEARTBEAT=''
[ $RC -eq 0 ] || die "make WHAT=cmd/kube-apiserver failed (exit $RC); source kept in $W/src for inspection"
[ -x _output/bin/kube-apiserver ] || die "build finished but _output/bin/kube-apiserver is missing"
log "go build took $(( $(date +%s) - B0 ))s"

cp _output/bin/kube-apiserver "$BIN.tmp"
chmod 755 "$BIN.tmp"
mv -f "$BIN.tmp" "$BIN"
binary_ok || die "built binary does not run: $BIN --version"

if [ "${CANARY_LENS_KEEP_SRC:-}" != 1 ]; then
  log "cleanup: removing the source tree, Go caches and private apt lists"
  cd "$W"
  chmod -R u+w "$W/home" 2>/dev/null || true  # the Go module cache is read-only
  rm -rf "$W/src" "$W/home" "$W/cache" "$W/lists" "$W/parts" "$W/src.list"
fi
log "done in $(( $(date +%s) - T0 ))s: $BIN ($("$BIN" --version 2>&1), $(du -h "$BIN" | cut -f1))"
echo "$BIN"
