#!/usr/bin/env bash
# Image test: build the source-twilio image with podman on a local Debian base, check it holds exactly the locked
# dependencies, runs as a non-root user and declares AIRBYTE_ENTRYPOINT, then run spec, check, discover, a read and an
# incremental read from that read's state inside the container against the local Twilio emulator, as a user's
# `docker run` would: the config, catalog and state mounted read-only.
#
#   bash integration_tests/image_test.sh          (or: make image-test)
#
# Needs root (podman, debootstrap and runc are apt-get installed when missing) and PyPI access for pip.
# Docker Hub is not needed: the image is built FROM a local base, `localhost/source-twilio-base:bookworm`
# (debootstrap of Debian bookworm + python3; a venv at /usr/local provides `python` and `pip` as the real
# airbyte/python-connector-base does, plus its `airbyte` user, uid 1000). The base is built once and cached
# (podman image + rootfs tarball under $BASE_DIR); delete both, or set REBUILD_BASE=1, to rebuild it.
#
# Environment overrides:
#   PYTHON        Python that runs the emulator on the host (default: .venv/bin/python, else python3)
#   BASE_DIR      cache for the base rootfs (default /var/tmp/source-twilio-base)
#   BASE_IMAGE    base image tag (default localhost/source-twilio-base:bookworm)
#   IMAGE         connector image tag (default airbyte/source-twilio:dev)
#   DEBIAN_MIRROR debootstrap mirror (default http://deb.debian.org/debian)
#   KEEP_WORKDIR  1 keeps the temp dir with config, catalog and every command's output
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE_DIR=${BASE_DIR:-/var/tmp/source-twilio-base}
BASE_IMAGE=${BASE_IMAGE:-localhost/source-twilio-base:bookworm}
ROOTFS_IMAGE=localhost/source-twilio-rootfs:bookworm
IMAGE=${IMAGE:-airbyte/source-twilio:dev}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEEP_WORKDIR=${KEEP_WORKDIR:-0}
REBUILD_BASE=${REBUILD_BASE:-0}
# Flags this sandbox needs: chroot isolation for builds; for runs runc (crun stops at "cgroups in hybrid mode not
# supported") with bounded ulimits (without them runc fails "error setting rlimits ... operation not permitted"), and
# the host network so the container reaches the emulator on 127.0.0.1.
BUILD_FLAGS=(--isolation chroot)
# --http-proxy=false: a host proxy variable must not send the connector's loopback requests elsewhere.
RUN_FLAGS=(--rm --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network host --http-proxy=false)

if [[ -z "${PYTHON:-}" ]]; then
  for candidate in "$ROOT/.venv/bin/python" "$(command -v python3 || true)"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then PYTHON=$candidate; break; fi
  done
fi
[[ -n "${PYTHON:-}" ]] || { echo "image-test: no python3 found to run the emulator (set PYTHON)" >&2; exit 1; }

T0=$(date +%s)
STEP_T0=$T0
WORK=$(mktemp -d /tmp/source-twilio-image-test.XXXXXX)
EMULATOR_PID=""

log() { printf '%s\n' "$*" >&2; }
elapsed() { echo "$(( $(date +%s) - STEP_T0 ))s"; }
step_start() { STEP_T0=$(date +%s); }
ok() { printf '%-9s OK    %s [%s]\n' "$1" "$2" "$(elapsed)"; }
fail() {
  printf '%-9s FAIL  %s [%s]\n' "$1" "$2" "$(elapsed)"
  local file
  for file in "${@:3}"; do
    if [[ -s "$file" ]]; then
      log "---- last lines of $file ----"
      tail -n 20 "$file" | cut -c1-400 >&2
    fi
  done
  exit 1
}

cleanup() {
  local rc=$?
  if [[ -n "$EMULATOR_PID" ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  if [[ "$KEEP_WORKDIR" == 1 || $rc -ne 0 ]]; then
    log "image-test: outputs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------------- tools
step_start
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v runc >/dev/null || missing+=(runc)
if ((${#missing[@]})); then
  [[ $(id -u) -eq 0 ]] || fail tools "missing ${missing[*]} and not root to apt-get install them"
  log "image-test: installing ${missing[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$WORK/apt.log" 2>&1 || fail tools "apt-get update failed" "$WORK/apt.log"
  apt-get install -y -qq "${missing[@]}" >>"$WORK/apt.log" 2>&1 || fail tools "apt-get install ${missing[*]} failed" "$WORK/apt.log"
fi
ok tools "$(podman --version), $(runc --version | head -n1)"

# ---------------------------------------------------------------------------------------------------- base image
step_start
if [[ "$REBUILD_BASE" == 1 ]]; then
  podman rmi -f "$BASE_IMAGE" "$ROOTFS_IMAGE" >/dev/null 2>&1 || true
  rm -f "$BASE_DIR/rootfs.tar"
fi
if podman image exists "$BASE_IMAGE"; then
  ok base "reused $BASE_IMAGE"
else
  mkdir -p "$BASE_DIR"
  if [[ ! -s "$BASE_DIR/rootfs.tar" ]]; then
    log "image-test: debootstrap bookworm into $BASE_DIR/rootfs (first run only, a few minutes) ..."
    rm -rf "$BASE_DIR/rootfs"
    debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
      bookworm "$BASE_DIR/rootfs" "$DEBIAN_MIRROR" >"$BASE_DIR/debootstrap.log" 2>&1 \
      || fail base "debootstrap failed" "$BASE_DIR/debootstrap.log"
    rm -rf "$BASE_DIR/rootfs/var/cache/apt/archives/"*.deb "$BASE_DIR/rootfs/var/lib/apt/lists/"*
    tar -C "$BASE_DIR/rootfs" -cf "$BASE_DIR/rootfs.tar.partial" . || fail base "tar of $BASE_DIR/rootfs failed"
    mv "$BASE_DIR/rootfs.tar.partial" "$BASE_DIR/rootfs.tar"
    rm -rf "$BASE_DIR/rootfs"
  fi
  podman image exists "$ROOTFS_IMAGE" || podman import "$BASE_DIR/rootfs.tar" "$ROOTFS_IMAGE" >"$WORK/import.log" 2>&1 \
    || fail base "podman import of $BASE_DIR/rootfs.tar failed" "$WORK/import.log"
  # Trust the CAs added to this host (a TLS-intercepting egress proxy, say) so pip reaches PyPI from the builds.
  rm -rf "$BASE_DIR/ca-certificates" && mkdir -p "$BASE_DIR/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$BASE_DIR/ca-certificates/" 2>/dev/null || true
  # What python-connector-base gives a connector's Dockerfile: `python` and `pip` on PATH (here a venv at
  # /usr/local, so pip installs without --break-system-packages), pip 24.0 / setuptools 70.0.0 and the
  # non-root `airbyte` user (uid 1000).
  cat >"$BASE_DIR/Containerfile" <<EOF
FROM $ROOTFS_IMAGE
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \\
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1
COPY ca-certificates/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null \\
 && python3 -m venv /usr/local \\
 && pip install --no-cache-dir --upgrade pip==24.0 setuptools==70.0.0 \\
 && groupadd --system --gid 1000 airbyte \\
 && useradd --system --uid 1000 --gid 1000 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin airbyte \\
 && mkdir -p /airbyte && chown airbyte:airbyte /airbyte \\
 && python --version && pip --version
EOF
  podman build "${BUILD_FLAGS[@]}" -t "$BASE_IMAGE" -f "$BASE_DIR/Containerfile" "$BASE_DIR" >"$WORK/base-build.log" 2>&1 \
    || fail base "podman build of $BASE_IMAGE failed" "$WORK/base-build.log"
  ok base "built $BASE_IMAGE ($(grep -m1 -o 'Python 3[.0-9]*' "$WORK/base-build.log" || echo python))"
fi

# ---------------------------------------------------------------------------------------------------- connector image
step_start
VERSION=$(sed -n 's/^VERSION = "\(.*\)"/\1/p' "$ROOT/setup.py")
podman build "${BUILD_FLAGS[@]}" --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$IMAGE" -f "$ROOT/Dockerfile" "$ROOT" \
  >"$WORK/build.log" 2>&1 || fail build "podman build of $IMAGE failed" "$WORK/build.log"
LABELS=$(podman image inspect --format '{{index .Labels "io.airbyte.name"}}:{{index .Labels "io.airbyte.version"}}' "$IMAGE")
[[ "$LABELS" == "airbyte/source-twilio:$VERSION" ]] || fail build "labels are $LABELS, expected airbyte/source-twilio:$VERSION"
ok build "$IMAGE (labels $LABELS)"

# ---------------------------------------------------------------------------------------------------- image contents
step_start
USER_OF=$(podman image inspect --format '{{.Config.User}}' "$IMAGE")
[[ "$USER_OF" == "1000:1000" ]] || fail image "runs as user '$USER_OF', expected the non-root 1000:1000"
# Read whole before grep -q (with pipefail, grep quitting at the first match could fail podman with SIGPIPE).
ENVIRONMENT=$(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE")
grep -qx 'AIRBYTE_ENTRYPOINT=python /airbyte/integration_code/main.py' <<<"$ENVIRONMENT" \
  || fail image "AIRBYTE_ENTRYPOINT is not python /airbyte/integration_code/main.py"
podman run "${RUN_FLAGS[@]}" --entrypoint pip "$IMAGE" freeze --exclude-editable --exclude airbyte-source-twilio --exclude pip --exclude setuptools \
  >"$WORK/freeze.txt" 2>"$WORK/freeze.err" || fail image "pip freeze in the image failed" "$WORK/freeze.err"
LOCKED=$(grep -E '^[A-Za-z0-9_.-]+==' "$ROOT/requirements.lock" | tr 'A-Z_' 'a-z-' | sort)
INSTALLED=$(grep -E '^[A-Za-z0-9_.-]+==' "$WORK/freeze.txt" | tr 'A-Z_' 'a-z-' | sort)
if [[ "$LOCKED" != "$INSTALLED" ]]; then
  diff <(echo "$LOCKED") <(echo "$INSTALLED") >"$WORK/lock.diff" || true
  fail image "the image's packages differ from requirements.lock (< locked, > installed)" "$WORK/lock.diff"
fi
ok image "user 1000:1000, AIRBYTE_ENTRYPOINT set, $(echo "$INSTALLED" | wc -l) packages exactly as requirements.lock"

# ---------------------------------------------------------------------------------------------------- emulator
step_start
(cd "$ROOT" && exec "$PYTHON" -m integration_tests.emulator --port 0 --seed 42) >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!
EMULATOR_URL=""
for _ in $(seq 1 300); do
  EMULATOR_URL=$(sed -n 's/^EMULATOR_URL=\(http[^[:space:]]*\).*/\1/p' "$WORK/emulator.log" | head -n1)
  [[ -n "$EMULATOR_URL" ]] && break
  kill -0 "$EMULATOR_PID" 2>/dev/null || fail emulator "exited before printing EMULATOR_URL" "$WORK/emulator.log"
  sleep 0.1
done
[[ -n "$EMULATOR_URL" ]] || fail emulator "no EMULATOR_URL line within 30s" "$WORK/emulator.log"

# config.json (the main account's credentials from the emulator) with a secrets dir readable by uid 1000.
mkdir -m 755 "$WORK/secrets" "$WORK/out"
"$PYTHON" - "$EMULATOR_URL" "$WORK/secrets/config.json" >"$WORK/world.log" 2>&1 <<'EOF' || fail emulator "could not read $EMULATOR_URL/__emulator/world" "$WORK/world.log"
import json, sys, urllib.request
from datetime import datetime, timedelta, timezone

url, path = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy
with opener.open(url.rstrip("/") + "/__emulator/world", timeout=30) as response:
    world = json.load(response)
sid = world.get("main_account_sid") or world.get("account_sid")
token = world.get("main_auth_token") or world.get("auth_token")
for account in world.get("accounts", []):
    if account.get("sid") == sid or (not sid and account.get("is_main")):
        sid, token = account["sid"], token or account.get("auth_token")
if not (sid and token):
    sys.exit(f"no main account sid / auth token in {sorted(world)}")
start = world.get("history_start") or (datetime.now(timezone.utc) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
with open(path, "w") as f:
    json.dump({"account_sid": sid, "auth_token": token, "start_date": start}, f)
print(sid, start)
EOF
chmod 644 "$WORK/secrets/config.json"
ok emulator "$EMULATOR_URL, main account $(cut -d' ' -f1 "$WORK/world.log")"

# Runs the image with the secrets dir at /secrets; stdout to out/<name>.jsonl, stderr to out/<name>.err.
run_connector() {
  local name=$1; shift
  podman run "${RUN_FLAGS[@]}" -e "TWILIO_API_BASE_URL=$EMULATOR_URL" -v "$WORK/secrets:/secrets:ro" "$IMAGE" "$@" \
    >"$WORK/out/$name.jsonl" 2>"$WORK/out/$name.err"
}

# Checks one command's output; prints the summary on success, the reason on failure (exit 1).
check_output() {
  "$PYTHON" - "$@" <<'EOF'
import json, sys
from collections import Counter

step, path = sys.argv[1], sys.argv[2]
messages, bad = [], 0
for line in open(path):
    line = line.strip()
    if not line.startswith("{"):
        continue
    try:
        messages.append(json.loads(line))
    except ValueError:
        bad += 1
types = Counter(m.get("type") for m in messages)
errors = [m["trace"]["error"].get("message") for m in messages
          if m.get("type") == "TRACE" and m.get("trace", {}).get("type") == "ERROR"]
def die(reason):
    print(reason)
    sys.exit(1)
if errors:
    die(f"ERROR trace: {errors[0]}")
if step == "spec":
    spec = [m["spec"] for m in messages if m.get("type") == "SPEC"]
    if not spec:
        die(f"no SPEC message (types: {dict(types)})")
    props = spec[0].get("connectionSpecification", {}).get("properties", {})
    print(f"SPEC message, {len(props)} config properties")
elif step == "check":
    status = [m["connectionStatus"] for m in messages if m.get("type") == "CONNECTION_STATUS"]
    if not status:
        die(f"no CONNECTION_STATUS message (types: {dict(types)})")
    if status[0].get("status") != "SUCCEEDED":
        die(f"CONNECTION_STATUS {status[0].get('status')}: {status[0].get('message')}")
    print("CONNECTION_STATUS SUCCEEDED")
elif step == "discover":
    catalogs = [m["catalog"] for m in messages if m.get("type") == "CATALOG"]
    if not catalogs:
        die(f"no CATALOG message (types: {dict(types)})")
    streams = {s["name"]: s for s in catalogs[0]["streams"]}
    if len(streams) < 40:
        die(f"CATALOG has {len(streams)} streams, expected >= 40")
    wanted = [("accounts", "full_refresh"), ("messages", "incremental"), ("calls", "incremental")]
    configured = []
    for name, mode in wanted:
        if name not in streams:
            die(f"stream {name} not in the CATALOG")
        stream = streams[name]
        if mode not in stream.get("supported_sync_modes", []):
            if name == "messages":
                die("messages does not support incremental sync")
            mode = "full_refresh"
        entry = {"stream": stream, "sync_mode": mode, "destination_sync_mode": "append"}
        if mode == "incremental" and not stream.get("source_defined_cursor"):
            entry["cursor_field"] = stream.get("default_cursor_field") or []
        configured.append(entry)
    with open(sys.argv[3], "w") as f:
        json.dump({"streams": configured}, f)
    incremental = sum("incremental" in s.get("supported_sync_modes", []) for s in streams.values())
    print(f"CATALOG with {len(streams)} streams ({incremental} incremental)")
elif step in ("read", "incremental"):
    records = Counter(m["record"]["stream"] for m in messages if m.get("type") == "RECORD")
    states = Counter(
        m["state"].get("stream", {}).get("stream_descriptor", {}).get("name", m["state"].get("type"))
        for m in messages if m.get("type") == "STATE"
    )
    if not records.get("messages"):
        die(f"no RECORD for messages (records: {dict(records)})")
    if not states:
        die("no STATE message")
    if not states.get("messages"):
        die(f"no STATE message for messages (states: {dict(states)})")
    per_stream = ", ".join(f"{name} {count}" for name, count in sorted(records.items()))
    if step == "read":
        # The last STATE of each stream: the state file of the next, incremental, read.
        last = {}
        for m in messages:
            if m.get("type") == "STATE":
                last[m["state"]["stream"]["stream_descriptor"]["name"]] = m["state"]
        with open(sys.argv[3].replace("configured_catalog.json", "state.json"), "w") as f:
            json.dump(list(last.values()), f)
        with open(sys.argv[3].replace("configured_catalog.json", "first_read_messages"), "w") as f:
            f.write(str(records["messages"]))
    else:
        first = int(open(sys.argv[3].replace("configured_catalog.json", "first_read_messages")).read())
        if records["messages"] >= first:
            die(f"the read from state returned {records['messages']} messages, not fewer than the first read's {first}")
    print(f"{sum(records.values())} RECORDs ({per_stream}), {sum(states.values())} STATE messages "
          f"({states['messages']} for messages), no ERROR trace")
EOF
}

run_step() {
  local name=$1; shift
  step_start
  local rc=0
  run_connector "$name" "$@" || rc=$?
  local summary
  if ! summary=$(check_output "$name" "$WORK/out/$name.jsonl" "$WORK/secrets/configured_catalog.json"); then
    fail "$name" "$summary (exit code $rc)" "$WORK/out/$name.jsonl" "$WORK/out/$name.err"
  fi
  [[ $rc -eq 0 ]] || fail "$name" "exit code $rc: $summary" "$WORK/out/$name.jsonl" "$WORK/out/$name.err"
  ok "$name" "$summary"
}

run_step spec spec
run_step check check --config /secrets/config.json
run_step discover discover --config /secrets/config.json
chmod 644 "$WORK/secrets/configured_catalog.json"
run_step read read --config /secrets/config.json --catalog /secrets/configured_catalog.json
chmod 644 "$WORK/secrets/state.json"
run_step incremental read --config /secrets/config.json --catalog /secrets/configured_catalog.json --state /secrets/state.json

STEP_T0=$T0
ok image-test "spec, check, discover, read and an incremental read from its state passed in $IMAGE"
