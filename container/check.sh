#!/usr/bin/env bash
# Builds the frameload image with podman and runs it as CI does:
#   1. a local node:20-slim stand-in (container/make-base-image.sh), since no registry is reachable
#   2. the image from the repository's Dockerfile, with --pull=never
#   3. `frameload --version`, the image's user and its node_modules, and a scenario from a
#      read-only volume (container/scenarios) with a relative import and a `-e` variable
#   4. `frameload serve` in one container and `frameload run /scripts/smoke.ts` in a second one,
#      both on the host network. The run must exit 0 with all 10 batches confirmed. The server
#      must then stop on SIGTERM with exit code 0 and count the same 10 batches.
#
# Usage: container/check.sh     (as root; run from anywhere)
# Installs podman, runc and debootstrap from Debian when they are missing. All podman state
# lives in a temporary folder inside a private mount namespace and is deleted at the end. Only the
# debootstrap tarball stays, in FRAMELOAD_CONTAINER_CACHE (default ~/.cache/frameload-container).
# Prints one line per check and ends with `container check: N passed, M failed`; exits 1 when any
# check failed or did not run.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=localhost/frameload:check
smoke_batches=10
ca_bundle=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}

# Podman's own state directories outside its storage root. In the private mount namespace each
# one is covered by a folder of the state dir, so nothing podman writes there reaches the machine.
shadowed_dirs=(/var/lib/containers /run/containers /run/runc)

log() { echo "container check: $*"; }

if [[ $(id -u) != 0 ]]; then
  log "must run as root, because debootstrap, chroot and rootful podman need it"
  log "0 passed, 1 failed"
  exit 1
fi

# The check itself runs in a private mount namespace, so the tmpfs, the bind mounts and every
# overlay mount podman makes there disappear with it, even when the check is killed. This outer
# part only creates the state folder and removes it afterwards.
if [[ -z ${FRAMELOAD_CHECK_STATE:-} ]]; then
  state_dir=$(mktemp -d "${TMPDIR:-/tmp}/frameload-container.XXXXXX") || exit 1
  # setsid makes the check the leader of its own process group, whose id is its pid.
  FRAMELOAD_CHECK_STATE=$state_dir setsid unshare --mount --propagation private bash "${BASH_SOURCE[0]}" "$@" &
  check_pid=$!
  # Ctrl-C or a TERM to this process reaches the check and the podman command it waits for, and
  # the check then cleans up before it exits.
  trap 'kill -TERM -- -"$check_pid" 2> /dev/null' INT TERM
  # wait returns early when a trapped signal arrives, so wait until the check has really ended.
  while wait "$check_pid"; status=$?; kill -0 "$check_pid" 2> /dev/null; do :; done
  rm -rf "$state_dir"
  exit "$status"
fi

# shellcheck source=container/podman-env.sh
source "$repo/container/podman-env.sh"

# Every pass or fail call below counts as one check; a check that never ran counts as failed.
total_checks=9
started=$SECONDS
passed=0
failed=0
state_dir=$FRAMELOAD_CHECK_STATE
serve_container=

pass() {
  passed=$((passed + 1))
  printf 'ok     %4ss  %s\n' "$((SECONDS - started))" "$1"
}

fail() {
  failed=$((failed + 1))
  printf 'FAILED %4ss  %s\n' "$((SECONDS - started))" "$1"
}

# Prints the last lines of FILE indented under a failed check.
show_tail() {
  tail -n "${2:-30}" "$1" 2> /dev/null | sed 's/^/       | /'
}

finish() {
  local not_run=$((total_checks - passed - failed))
  trap - EXIT
  if [[ -n $serve_container ]]; then
    podman rm --force --time 0 "$serve_container" > /dev/null 2>&1
  fi
  podman_env_teardown "$state_dir"
  if ((not_run > 0)); then
    log "$not_run checks did not run"
  fi
  log "finished in $((SECONDS - started)) s"
  log "$passed passed, $((failed + not_run)) failed"
  # An exit without a status inside the EXIT trap would reuse the status the script ended with.
  if ((failed + not_run > 0)); then
    exit 1
  fi
  exit 0
}

# Ends the check after a failed step that the remaining checks depend on.
abort() {
  finish
}

trap finish EXIT
trap 'log "interrupted"; exit 130' INT TERM

# --- Tools -------------------------------------------------------------------------------------

install_tools() {
  local missing=() tool
  for tool in podman runc debootstrap; do
    command -v "$tool" > /dev/null || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) && return 0

  command -v apt-get > /dev/null || {
    echo "       missing ${missing[*]} and no apt-get to install them"
    return 1
  }
  echo "       installing ${missing[*]} from Debian"
  # Another apt process may hold the dpkg lock, so apt waits up to 5 minutes for it.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q > "$logs/apt.log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q podman runc debootstrap \
      >> "$logs/apt.log" 2>&1 || {
    show_tail "$logs/apt.log"
    return 1
  }
}

# The state lives on a tmpfs (about 300 MB at the peak) because deleting the images' files from a
# disk mounted with `discard` took over 20 seconds. Unmounting the tmpfs is instant.
mount -t tmpfs -o size=4g,mode=0700 frameload-container "$state_dir" ||
  echo "       no tmpfs for the state folder; using $state_dir on disk"
logs=$state_dir/logs
mkdir -p "$logs"

if install_tools; then
  pass "podman $(podman --version | awk '{ print $3 }'), runc and debootstrap present"
else
  fail "podman, runc and debootstrap present"
  abort
fi

podman_env_setup "$state_dir"
for dir in "${shadowed_dirs[@]}"; do
  mkdir -p "$dir" "$state_dir/shadow$dir"
  if ! mount --bind "$state_dir/shadow$dir" "$dir"; then
    fail "podman state kept private: mount --bind over $dir failed"
    abort
  fi
done

# --- Base image and frameload image ------------------------------------------------------------

if timeout --foreground 600 "$repo/container/make-base-image.sh" > "$logs/base.log" 2>&1; then
  pass "node:20-slim stand-in imported ($(grep -o 'Node.js [0-9.]*' "$logs/base.log" | tail -n 1))"
else
  fail "node:20-slim stand-in imported; end of its log:"
  show_tail "$logs/base.log"
  abort
fi

build_flags=(--pull=never --network=host --tag "$image")
# npm ci in the build stage reaches the registry through this machine's CA bundle, handed over as
# a build secret so that it stays out of the image and out of the Dockerfile.
if [[ -s $ca_bundle ]]; then
  build_flags+=(--secret "id=npm_ca,src=$ca_bundle")
fi
if timeout --foreground 600 podman build "${build_flags[@]}" "$repo" > "$logs/build.log" 2>&1; then
  image_bytes=$(podman image inspect --format '{{.Size}}' "$image")
  base_bytes=$(podman image inspect --format '{{.Size}}' docker.io/library/node:20-slim)
  pass "image built: $((image_bytes / 1000000)) MB, of which $(((image_bytes - base_bytes) / 1000)) kB over the base"
else
  fail "image built; end of the build log:"
  show_tail "$logs/build.log"
  abort
fi

run_flags=(--pull=never --network=host)

# --- Image contents ----------------------------------------------------------------------------

expected_version=$(node -p "require('$repo/package.json').version")
version_output=$(timeout --foreground 60 podman run --rm "${run_flags[@]}" "$image" --version 2>&1)
version_status=$?
if [[ $version_status == 0 ]] && grep -qwF -- "$expected_version" <<< "$version_output"; then
  pass "frameload --version prints $expected_version"
else
  fail "frameload --version: exit code $version_status, expected 0 and version $expected_version in:"
  echo "$version_output" | sed 's/^/       | /'
fi

user_output=$(timeout --foreground 60 podman run --rm "${run_flags[@]}" --entrypoint id "$image" -u 2>&1)
if [[ $user_output == 1000 ]]; then
  pass "runs as the unprivileged user (uid 1000)"
else
  fail "runs as the unprivileged user: id -u printed '$user_output', expected 1000"
fi

# esbuild must be there because `frameload run` bundles scenarios, while typescript, tsx and
# fast-check are only needed to build and test.
modules_output=$(timeout --foreground 60 podman run --rm "${run_flags[@]}" --entrypoint sh "$image" -c \
  'cd /opt/frameload/node_modules && ls -d esbuild typescript tsx fast-check 2> /dev/null' 2>&1)
if [[ $modules_output == esbuild ]]; then
  pass "node_modules holds production dependencies only"
else
  fail "node_modules holds production dependencies only: found '$(echo $modules_output)', expected 'esbuild'"
fi

# The documented way to bring your own scenarios: a read-only volume, with `-e` for __ENV.
greeting=$(sed -n "s/^export const EXPECTED_GREETING = '\(.*\)';$/\1/p" "$repo/container/scenarios/lib/greeting.ts")
timeout --foreground 120 podman run --rm "${run_flags[@]}" --volume "$repo/container/scenarios:/work:ro" "$image" \
  run /work/mounted.ts -e "GREETING=$greeting" > "$logs/mounted.log" 2>&1
mounted_status=$?
if [[ -n $greeting && $mounted_status == 0 ]]; then
  pass "scenario from a read-only volume with -e GREETING"
else
  fail "scenario from a read-only volume: exit code $mounted_status with GREETING '$greeting', expected 0 and a greeting; its output:"
  show_tail "$logs/mounted.log"
fi

# --- Server and smoke run in two containers ----------------------------------------------------

# A free port from the kernel, so parallel runs and other servers on 8444 do not collide.
port=$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
serve_container=frameload-check-serve-$$
if ! podman run --detach --name "$serve_container" "${run_flags[@]}" "$image" \
  serve --host 127.0.0.1 --port "$port" --no-metrics > "$logs/serve-start.log" 2>&1; then
  fail "smoke run: frameload serve did not start; podman output:"
  show_tail "$logs/serve-start.log"
  abort
fi

# The server writes its `listening on` line once the port accepts connections. Polling stops
# early when the container has exited.
listening=
listen_deadline=$((SECONDS + 30))
while ((SECONDS < listen_deadline)); do
  if podman logs "$serve_container" 2>&1 | grep -q "listening on 127.0.0.1:$port "; then
    listening=yes
    break
  fi
  [[ $(podman inspect --format '{{.State.Running}}' "$serve_container" 2> /dev/null) == true ]] || break
  sleep 0.2
done
if [[ -z $listening ]]; then
  fail "smoke run: frameload serve was not listening on 127.0.0.1:$port within 30 s; its output:"
  podman logs "$serve_container" > "$logs/serve.log" 2>&1
  show_tail "$logs/serve.log"
  abort
fi

# The container's user (uid 1000) writes the summary into this folder.
summary_dir=$state_dir/summary
mkdir -p "$summary_dir"
chmod 0777 "$summary_dir"
timeout --foreground 300 podman run --rm "${run_flags[@]}" --volume "$summary_dir:/summary" "$image" \
  run /scripts/smoke.ts -e "HOST=127.0.0.1:$port" -e INSECURE_TLS=true \
  --summary-export /summary/summary.json > "$logs/smoke.log" 2>&1
smoke_status=$?
confirmed=$(node -e "
  try {
    const summary = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'));
    console.log(summary.metrics?.agent_batches_confirmed?.values?.count ?? 'missing from the summary');
  } catch (error) {
    console.log('unknown (summary not readable: ' + (error.code ?? error.message) + ')');
  }
" "$summary_dir/summary.json")
if [[ $smoke_status == 0 && $confirmed == "$smoke_batches" ]]; then
  pass "frameload run /scripts/smoke.ts: exit code 0, $confirmed batches confirmed"
else
  fail "frameload run /scripts/smoke.ts: exit code $smoke_status and agent_batches_confirmed $confirmed, expected 0 and $smoke_batches; its output:"
  show_tail "$logs/smoke.log" 40
fi

# SIGTERM must stop the server cleanly, and its own count must match what the run confirmed.
podman stop --time 10 "$serve_container" > /dev/null 2>&1
serve_status=$(podman inspect --format '{{.State.ExitCode}}' "$serve_container" 2>&1)
podman logs "$serve_container" > "$logs/serve.log" 2>&1
stop_line=$(grep 'stopped on SIGTERM' "$logs/serve.log" | tail -n 1)
if [[ $serve_status == 0 && $stop_line == *" $smoke_batches batches "* ]]; then
  pass "frameload serve stopped on SIGTERM with exit code 0 after $smoke_batches batches"
else
  fail "frameload serve stop: exit code $serve_status, expected 0 and '$smoke_batches batches' in its stop line; its output:"
  show_tail "$logs/serve.log"
fi
