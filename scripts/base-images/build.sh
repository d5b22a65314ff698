#!/bin/bash
# Builds, without any container registry, the base images Racetrack's Dockerfile templates start FROM:
#   debian:bookworm-slim        debootstrap (minbase) from the host's Debian mirror + `docker import`
#   node:24-bookworm-slim       the above + the Node 24 binary pinned in this repo + npm
#   python:3.11-slim-bookworm   the above + Debian bookworm's python3 (3.11) with venv and pip
# The names are the ones production pulls, so templates stay unchanged.
#
# Idempotent: an image that already exists is skipped (FORCE=1 rebuilds all).
# Needs root, debootstrap, a running Docker Engine (scripts/base-images/start-dockerd.sh) and the
# Debian mirror named in /etc/apt/sources.list* (override with DEBIAN_MIRROR).
set -euo pipefail

# Serialise concurrent callers (parallel test files, CI steps): the second waits, then finds the work done.
if [ -z "${RACETRACK_SCRIPT_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
  RACETRACK_SCRIPT_LOCKED=1 exec flock /tmp/racetrack-base-images.lock "$0" "$@"
fi

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FORCE=${FORCE:-0}
SUITE=bookworm
DEBIAN_IMAGE=debian:bookworm-slim
NODE_IMAGE=node:24-bookworm-slim
PYTHON_IMAGE=python:3.11-slim-bookworm

log() { echo "[base-images] $*"; }

exists() { [ "$FORCE" != "1" ] && docker image inspect "$1" >/dev/null 2>&1; }

# First plain Debian archive URI from the apt sources (deb822 `URIs:` or one-line `deb` format).
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -Eo '(URIs:[[:space:]]*|^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?)[a-z]+://[^[:space:]]+' |
    grep -Eo '[a-z]+://[^[:space:]]+' | grep -E '/debian/?$' | head -n 1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

build_debian() {
  if exists "$DEBIAN_IMAGE"; then log "$DEBIAN_IMAGE exists, skipping"; return; fi
  command -v debootstrap >/dev/null || { echo "debootstrap missing: apt-get install -y debootstrap" >&2; exit 1; }
  local mirror rootfs
  mirror=$(debian_mirror)
  rootfs=$(mktemp -d /tmp/racetrack-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' RETURN
  log "debootstrap $SUITE from $mirror"
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$rootfs" "$mirror" >/tmp/racetrack-debootstrap.log 2>&1 ||
    { tail -n 30 /tmp/racetrack-debootstrap.log >&2; exit 1; }
  # Slim like the official image: no apt lists, caches, docs or man pages.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/var/log/*.log
  # Trust the host's local CAs too (e.g. a TLS-intercepting egress proxy), or nothing inside reaches HTTPS.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null
    log "added the host's local CA certificates: $(cd /usr/local/share/ca-certificates && echo *.crt)"
  fi
  cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
SOURCES
  log "importing $DEBIAN_IMAGE"
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$DEBIAN_IMAGE" >/dev/null
  docker tag "$DEBIAN_IMAGE" debian:bookworm
}

build_node() {
  if exists "$NODE_IMAGE"; then log "$NODE_IMAGE exists, skipping"; return; fi
  local node_bin npm_dir context
  node_bin="$REPO/node_modules/node/bin/node"
  [ -x "$node_bin" ] || { echo "pinned Node binary not found at $node_bin (run npm ci first)" >&2; exit 1; }
  npm_dir=$(npm root -g 2>/dev/null)/npm
  [ -f "$npm_dir/package.json" ] || { echo "npm package not found at $npm_dir" >&2; exit 1; }
  context=$(mktemp -d /tmp/racetrack-node-base.XXXXXX)
  trap 'rm -rf "$context"' RETURN
  cp "$node_bin" "$context/node"
  cp -r "$npm_dir" "$context/npm"
  cp "$HERE/node.Dockerfile" "$context/Dockerfile"
  log "building $NODE_IMAGE (node $("$node_bin" --version), npm $(node -p "require('$npm_dir/package.json').version" 2>/dev/null || echo '?'))"
  docker build --network host -q -t "$NODE_IMAGE" "$context" >/dev/null
  docker tag "$NODE_IMAGE" node:24-slim
}

build_python() {
  if exists "$PYTHON_IMAGE"; then log "$PYTHON_IMAGE exists, skipping"; return; fi
  log "building $PYTHON_IMAGE"
  docker build --network host -q -t "$PYTHON_IMAGE" -f "$HERE/python.Dockerfile" "$HERE" >/dev/null
  docker tag "$PYTHON_IMAGE" python:3.11-bookworm
}

start=$(date +%s)
docker info >/dev/null 2>&1 || { echo "no Docker Engine answers: run scripts/base-images/start-dockerd.sh" >&2; exit 1; }
build_debian
build_node
build_python
log "done in $(($(date +%s) - start))s"
