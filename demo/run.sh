#!/usr/bin/env bash
# make demo: the collection's main job, end to end, against two simulated Hyper-V hosts.
#
#  1. builds the collection artifact (ansible-galaxy collection build) and installs it the way a
#     user would (ansible-galaxy collection install) into .build/demo-collections; everything
#     below runs with ANSIBLE_COLLECTIONS_PATH pointing only there;
#  2. starts the built-in Hyper-V WS-Man simulator twice on free loopback ports: a Windows
#     Server 2022 host and a Windows Server 2008 R2 host, a few VMs each, Basic auth over HTTP;
#  3. runs demo/playbook.yml, then the inventory plugin (ansible-inventory --graph) and one
#     ad-hoc command against demo/inventory.hyperv.yml (these run between the playbook's
#     "checkpoint" and "remove" steps, while the demo VM is running);
#  4. stops the simulators on exit, whatever happened (trap EXIT).
#
# The simulators' addresses reach the playbook and the inventory file through the environment
# (HV2022_URI, HV2008R2_URI, HYPERV_USERNAME, HYPERV_PASSWORD); point those at real hosts and the
# same files manage real Hyper-V. Usage: make demo (or bash demo/run.sh once .venv exists).
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN=$ROOT/.venv/bin
BUILD=$ROOT/.build
DIST=$BUILD/demo-dist
COLLECTIONS=$BUILD/demo-collections
RUNDIR=$BUILD/demo-run
T0=$(date +%s)

if [ ! -x "$BIN/ansible-playbook" ]; then
    echo "demo: $BIN/ansible-playbook not found; run 'make demo' (it creates .venv first)" >&2
    exit 2
fi
export PATH=$BIN:$PATH
mkdir -p "$BUILD"
# One demo at a time per checkout: a second one waits here (its build would replace this one's).
if command -v flock >/dev/null; then
    exec 9>"$BUILD/demo.lock"
    flock -n 9 || { echo "demo: another demo runs in this checkout; waiting for it"; flock 9; }
fi

banner() {
    printf '\n\033[1m==> [demo %ss] %s\033[0m\n' "$(($(date +%s) - T0))" "$*"
}
[ -t 1 ] || banner() { printf '\n==> [demo %ss] %s\n' "$(($(date +%s) - T0))" "$*"; }

# ---------------------------------------------------------------- simulator start and stop
SIM_PIDS=()
PLAY_PID=
cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM HUP
    trap '' PIPE  # the terminal or pipe may be gone; the cleanup must still run
    if [ -n "$PLAY_PID" ] && kill -0 "$PLAY_PID" 2>/dev/null; then  # interrupted mid-playbook
        pkill -TERM -P "$PLAY_PID" 2>/dev/null || true
        kill -TERM "$PLAY_PID" 2>/dev/null || true
        wait "$PLAY_PID" 2>/dev/null || true
    fi
    if [ ${#SIM_PIDS[@]} -gt 0 ]; then
        banner "stopping the simulators (pids ${SIM_PIDS[*]})"
        for pid in "${SIM_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
        for pid in "${SIM_PIDS[@]}"; do
            for _i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
            wait "$pid" 2>/dev/null || true
        done
    fi
    if [ "$rc" -eq 0 ]; then
        banner "demo finished: every step ok in $(($(date +%s) - T0))s"
    else
        banner "demo FAILED (exit $rc) after $(($(date +%s) - T0))s; simulator logs: ${RUNDIR#"$ROOT"/}/"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE
# The simulators also get SIGTERM if this script dies without a cleanup (SIGKILL): setpriv's
# parent-death signal, where util-linux provides it.
PDEATH=()
if setpriv --pdeathsig TERM true 2>/dev/null; then PDEATH=(setpriv --pdeathsig TERM); fi

# start_sim LABEL PERSONA SEED: one simulator process; sets SIM_URL to its hyperv:// URI
start_sim() {
    local label=$1 persona=$2 seed=$3 log=$RUNDIR/sim-$1.log url=""
    : >"$log"  # exists before the background process opens it
    "${PDEATH[@]}" "$BIN/python" -u -m tests.simulator --host 127.0.0.1 --port 0 --user admin --password secret \
        --hyperv-version "$persona" --vms 4 --switches 1 --seed "$seed" \
        --computer-name "$(echo "$label" | tr '[:lower:]' '[:upper:]')" >>"$log" 2>&1 &
    SIM_PIDS+=("$!")
    for _i in $(seq 100); do
        url=$(sed -n 's/^listening on //p' "$log" | head -n1)
        [ -n "$url" ] && break
        kill -0 "$!" 2>/dev/null || { cat "$log" >&2; echo "demo: simulator $label did not start" >&2; return 1; }
        sleep 0.1
    done
    [ -n "$url" ] || { cat "$log" >&2; echo "demo: simulator $label gave no address" >&2; return 1; }
    # http://127.0.0.1:PORT/wsman -> hyperv://127.0.0.1:PORT/?transport=http
    local hostport=${url#http://}
    hostport=${hostport%%/*}
    SIM_URL="hyperv://$hostport/?transport=http"
    printf '    %-9s Windows Server %-8s %s  (%s, pid %s)\n' "$label" "${persona/r2/ R2}" "$SIM_URL" "$url" "${SIM_PIDS[-1]}"
}

# ---------------------------------------------------------------- 1. build and install
banner "build the collection artifact and install it like a user (ansible-galaxy)"
rm -rf "$DIST" "$COLLECTIONS" "$RUNDIR"
mkdir -p "$DIST" "$COLLECTIONS" "$RUNDIR"
ansible-galaxy collection build --force --output-path "$DIST" . | sed 's/^/    /'
TARBALL=$(ls "$DIST"/wsman-hyperv-*.tar.gz)
export ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
ansible-galaxy collection install --offline --force -p "$COLLECTIONS" "$TARBALL" | sed 's/^/    /'
echo "    ANSIBLE_COLLECTIONS_PATH=${COLLECTIONS#"$ROOT"/} (the only place collections are found):"
ansible-galaxy collection list wsman.hyperv 2>&1 | sed -n 's/^# /    /p; s/^\(wsman\.hyperv .*\)/    \1/p'

# Quiet, readable output; the demo's own ansible.cfg would be found only if cwd were demo/.
export ANSIBLE_CONFIG=$ROOT/demo/ansible.cfg
export ANSIBLE_PYTHON_INTERPRETER=$BIN/python

# ---------------------------------------------------------------- 2. simulators
banner "start two simulated Hyper-V hosts on free loopback ports (Basic auth over HTTP)"
start_sim hv2022 2022 3
export HV2022_URI=$SIM_URL
start_sim hv2008r2 2008r2 2
export HV2008R2_URI=$SIM_URL
# The simulator's credentials, as a real deployment would pass them (or from Ansible Vault).
export HYPERV_USERNAME=admin HYPERV_PASSWORD=secret

# ---------------------------------------------------------------- 3. the playbook
banner "ansible-playbook demo/playbook.yml"
# In the background and waited for, so that an interrupt reaches the cleanup at once.
"${PDEATH[@]}" ansible-playbook demo/playbook.yml &
PLAY_PID=$!
wait "$PLAY_PID"
