#!/bin/sh
# Starts a Docker Engine for Racetrack's docker target and tests, unless one already answers.
#
# Idempotent: when `docker info` works (DOCKER_HOST or the default socket) it does nothing.
# Otherwise it starts `dockerd` in the background (logs in $DOCKERD_LOG, default /tmp/racetrack-dockerd.log)
# and waits until the Engine answers.
#
# Measured on the project's sandbox (Debian bookworm, docker.io 20.10.24, kernel 6.18, cgroup v1, root,
# ext4 root filesystem): plain `dockerd` works with the defaults (overlay2 storage, iptables on, bridge
# networking). Where a sandbox refuses those, set DOCKERD_FLAGS, e.g.
#   DOCKERD_FLAGS="--iptables=false --storage-driver=vfs" scripts/base-images/start-dockerd.sh
# (vfs works everywhere but copies every layer; --iptables=false leaves containers without NAT, so use
# host networking for builds, which the image builder does anyway).
set -eu

# An engine that answers needs no lock (and a daemon started by an older copy of this script may still hold it).
if docker info >/dev/null 2>&1; then
  echo "docker engine already answers"
  exit 0
fi

# Serialise concurrent callers (parallel test files, CI steps): the second waits, then finds the work done.
# -o: the lock's descriptor is closed for the script, so the dockerd it starts does not hold the lock forever.
if [ -z "${RACETRACK_SCRIPT_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
  RACETRACK_SCRIPT_LOCKED=1 exec flock -o /tmp/racetrack-dockerd.lock "$0" "$@"
fi

LOG=${DOCKERD_LOG:-/tmp/racetrack-dockerd.log}
WAIT_SECONDS=${DOCKERD_WAIT_SECONDS:-60}

if docker info >/dev/null 2>&1; then
  echo "docker engine already answers"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "dockerd not found: install Debian's docker.io (apt-get install -y docker.io)" >&2
  exit 1
fi
if [ "$(id -u)" != "0" ]; then
  echo "dockerd must be started as root (run this script as root, or start the docker service)" >&2
  exit 1
fi

# A stale pidfile from a killed daemon makes dockerd refuse to start.
if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
  rm -f /var/run/docker.pid
fi

# shellcheck disable=SC2086 # DOCKERD_FLAGS is a list of flags on purpose
nohup dockerd ${DOCKERD_FLAGS:-} >"$LOG" 2>&1 &
echo "started dockerd (pid $!), log: $LOG"

elapsed=0
while ! docker info >/dev/null 2>&1; do
  if [ "$elapsed" -ge "$WAIT_SECONDS" ]; then
    echo "docker engine did not answer within ${WAIT_SECONDS}s; last log lines:" >&2
    tail -n 20 "$LOG" >&2
    exit 1
  fi
  sleep 1
  elapsed=$((elapsed + 1))
done
echo "docker engine ready after ${elapsed}s"
