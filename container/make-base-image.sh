#!/usr/bin/env bash
# Builds a local stand-in for the node:20-slim base image, for machines that reach no container
# registry: a `debootstrap --variant=minbase` Debian bookworm root file system plus this machine's
# own Node.js 20 (node, npm and corepack under /usr/local, as in the official image) and the
# `node` user with uid 1000, imported with `podman import` under the official name.
#
# Usage: container/make-base-image.sh [IMAGE_NAME]    (default docker.io/library/node:20-slim)
#
# Needs root (debootstrap and chroot), podman and debootstrap. Podman's storage comes from the
# environment, so container/check.sh runs this script inside its private state folder.
# The debootstrap tarball is cached in FRAMELOAD_CONTAINER_CACHE (default
# ~/.cache/frameload-container), so a second build on the same machine skips the download.
set -euo pipefail

image_name=${1:-docker.io/library/node:20-slim}
suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache_dir=${FRAMELOAD_CONTAINER_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/frameload-container}
node_major=20

fail() {
  echo "make-base-image: $*" >&2
  exit 1
}

[[ $(id -u) == 0 ]] || fail "must run as root, because debootstrap and chroot need it"
command -v podman > /dev/null || fail "podman not found; install it with: apt-get install podman runc"

node_bin=$(readlink -f "$(command -v node)") || fail "node not found on PATH; Node.js $node_major is required"
node_version=$("$node_bin" -p 'process.versions.node')
[[ ${node_version%%.*} == "$node_major" ]] ||
  fail "$node_bin is Node.js $node_version, expected major version $node_major"
# npm and corepack live in lib/node_modules beside the bin folder in both the Debian-style
# (/usr/bin/node) and the tarball-style (/usr/local/bin/node) layouts.
node_modules_dir=$(dirname "$(dirname "$node_bin")")/lib/node_modules
[[ -f $node_modules_dir/npm/bin/npm-cli.js ]] || fail "npm not found in $node_modules_dir"

arch=$(dpkg --print-architecture)
rootfs_tar=$cache_dir/debian-$suite-minbase-$arch.tar
work_dir=$(mktemp -d "${TMPDIR:-/tmp}/frameload-base.XXXXXX")
rootfs=$work_dir/rootfs
trap 'rm -rf "$work_dir"' EXIT

# 1. Debian root file system: from the cache, or debootstrap and then fill the cache.
mkdir -p "$rootfs"
if [[ -f $rootfs_tar ]]; then
  echo "make-base-image: using cached $rootfs_tar"
  if ! tar -xpf "$rootfs_tar" --numeric-owner -C "$rootfs"; then
    echo "make-base-image: $rootfs_tar is damaged; deleting it and running debootstrap instead"
    rm -f "$rootfs_tar"
    rm -rf "$rootfs" && mkdir -p "$rootfs"
  fi
fi
if [[ ! -f $rootfs_tar ]]; then
  command -v debootstrap > /dev/null || fail "debootstrap not found; install it with: apt-get install debootstrap"
  echo "make-base-image: debootstrap --variant=minbase $suite from $mirror"
  if ! debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" > "$work_dir/debootstrap.log" 2>&1; then
    tail -n 20 "$work_dir/debootstrap.log" >&2
    fail "debootstrap failed; the lines above are the end of its log"
  fi

  # Drop what the official slim images leave out too: package lists, caches and documentation.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +

  mkdir -p "$cache_dir"
  tar -cf "$rootfs_tar.partial.$$" --numeric-owner -C "$rootfs" .
  mv "$rootfs_tar.partial.$$" "$rootfs_tar"
  echo "make-base-image: cached the root file system in $rootfs_tar"
fi

# 2. Node.js from this machine, laid out as in the official image.
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
for package in npm corepack; do
  if [[ -d $node_modules_dir/$package ]]; then
    cp -a "$node_modules_dir/$package" "$rootfs/usr/local/lib/node_modules/"
  fi
done
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
if [[ -d $rootfs/usr/local/lib/node_modules/corepack ]]; then
  ln -sf ../lib/node_modules/corepack/dist/corepack.js "$rootfs/usr/local/bin/corepack"
fi

# Shared libraries node links against that minbase lacks (a Node.js built against extra
# system libraries) are copied from this machine to the same path.
for library in $(ldd "$node_bin" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
  if [[ ! -e $rootfs$library ]]; then
    echo "make-base-image: copying $library from this machine"
    mkdir -p "$rootfs$(dirname "$library")"
    cp -L "$library" "$rootfs$library"
  fi
done

# env -i keeps host settings such as NODE_EXTRA_CA_CERTS, whose paths do not exist inside, out.
image_node_version=$(env -i "$(command -v chroot)" "$rootfs" /usr/local/bin/node -p 'process.versions.node') ||
  fail "node does not start inside the root file system"
[[ $image_node_version == "$node_version" ]] ||
  fail "node inside the root file system reports $image_node_version, expected $node_version"

# 3. The unprivileged user of the official image, which the Dockerfile's runtime stage uses.
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

# 4. Import under the official name, so `FROM node:20-slim` with --pull=never finds it.
tar -c --numeric-owner -C "$rootfs" . |
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$node_version" \
    --change 'CMD ["node"]' \
    --message "stand-in for node:$node_major-slim: debootstrap $suite minbase and Node.js $node_version" \
    - "$image_name" > /dev/null
echo "make-base-image: imported $image_name (Debian $suite minbase, Node.js $node_version)"
