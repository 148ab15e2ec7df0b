# Sourced by the container scripts. Gives podman a private state folder with its own
# containers.conf and storage.conf, storage root, run root and temporary files, which
# podman_env_teardown removes again. The settings under /etc/containers are not read.

CONTAINER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Prints the hard limit for `ulimit FLAG`, capped at CAP, because podman must not ask for more.
hard_limit() {
  local flag=$1 cap=$2 limit
  limit=$(ulimit -H "$flag")
  if [[ $limit == unlimited || $limit -gt $cap ]]; then
    limit=$cap
  fi
  echo "$limit"
}

# Writes the configuration into STATE_DIR and exports the variables podman and buildah read.
podman_env_setup() {
  local state_dir=$1 nofile nproc template
  mkdir -p "$state_dir"/{storage,run,tmp,networks}
  nofile=$(hard_limit -n 1048576)
  nproc=$(hard_limit -u 32768)

  for template in containers.conf storage.conf; do
    sed -e "s|@STATE_DIR@|$state_dir|g" -e "s|@NOFILE@|$nofile|g" -e "s|@NPROC@|$nproc|g" \
      "$CONTAINER_DIR/$template.in" > "$state_dir/$template"
  done

  export CONTAINERS_CONF="$state_dir/containers.conf"
  export CONTAINERS_STORAGE_CONF="$state_dir/storage.conf"
  # buildah copies build contexts and unpacks layers under TMPDIR.
  export TMPDIR="$state_dir/tmp"
}

# Removes every container in STATE_DIR, unmounts everything mounted at or below it and deletes the
# folder with the images in it. Safe to call twice and on a half-built state.
podman_env_teardown() {
  local state_dir=$1 mount_point
  [[ -d $state_dir ]] || return 0

  if [[ ${CONTAINERS_STORAGE_CONF:-} == "$state_dir/storage.conf" ]]; then
    podman rm --all --force --time 0 > /dev/null 2>&1 || true
  fi

  # Overlay and shm mounts outlive a killed podman process. The deepest paths go first, and a
  # tmpfs at STATE_DIR itself goes last.
  awk -v dir="$state_dir" '$2 == dir || index($2, dir "/") == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r mount_point; do
      umount -l "$mount_point" 2> /dev/null || true
    done

  rm -rf "$state_dir"
}
