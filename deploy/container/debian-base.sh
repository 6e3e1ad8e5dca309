#!/usr/bin/env bash
# Make a local base image when no registry is reachable (as on the CI machines): Debian
# bookworm from the Debian mirror with Python 3.11, imported into podman. It stands in for
# python:3.11-slim-bookworm (the Dockerfile's default base): python3 with venv and pip.
#     deploy/container/debian-base.sh [IMAGE]      (default localhost/course-base:bookworm)
set -euo pipefail
IMAGE=${1:-localhost/course-base:bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if podman image exists "$IMAGE"; then
  echo "$IMAGE is already there"
  exit 0
fi
ROOTFS=$(mktemp -d /tmp/course-base.XXXXXX)
trap 'rm -rf "$ROOTFS"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
  bookworm "$ROOTFS" "$MIRROR" >/dev/null
# Trust what this machine trusts (its network may inspect TLS with its own authority).
cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
tar -C "$ROOTFS" -c . | podman import --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null
echo "made $IMAGE"
