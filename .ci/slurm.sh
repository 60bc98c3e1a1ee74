#!/usr/bin/env bash
# A real one-node Slurm on this machine: installs Debian's slurmctld, slurmd
# and slurm-client, starts a cluster of this host alone (no munge: auth/none),
# submits scripts/slurm/rooflab.sbatch as an array of 3 CPU tasks with the
# tiny suite, and checks each task's folder, the merged results and the
# Slurm ids recorded in results.json. Needs root (slurmd runs jobs as their
# user); skips loudly otherwise.
#   .ci/slurm.sh [path/to/rooflab]     (default: build/rooflab)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
rooflab=$(realpath "${1:-build/rooflab}")
tasks=3

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIPPED: not root (a one-node Slurm needs root to start slurmd)"
    exit 0
fi
[ -x "$rooflab" ] || { echo "slurm.sh: no rooflab binary at $rooflab (build first)" >&2; exit 2; }
started=$(date +%s)

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null; then
    echo "slurm.sh: installing slurmctld slurmd slurm-client"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client >/dev/null
fi

tmp=$(mktemp -d /tmp/rooflab-slurm.XXXXXX)
host=$(hostname -s)
mkdir -p "$tmp/ctld" "$tmp/d" "$tmp/results"
# Ports away from the defaults, so a Slurm the package may have started (or
# another cluster on this machine) is never the one we talk to.
cat > "$tmp/slurm.conf" <<EOF
ClusterName=rooflabci
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
StateSaveLocation=$tmp/ctld
SlurmdSpoolDir=$tmp/d
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf

stop_slurm() {
    local f pid
    for f in "$tmp/slurmd.pid" "$tmp/slurmctld.pid"; do
        [ -s "$f" ] || continue
        pid=$(cat "$f")
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    done
}
show_logs() {
    echo "---- slurmctld.log"; tail -n 30 "$tmp/slurmctld.log" 2>/dev/null || true
    echo "---- slurmd.log"; tail -n 30 "$tmp/slurmd.log" 2>/dev/null || true
    local f
    for f in "$tmp"/*.out "$tmp"/results/slurm-*/merge-*.log; do
        [ -f "$f" ] && { echo "---- $f"; cat "$f"; }
    done
}
fail() {
    echo "slurm.sh: FAILED: $*" >&2
    show_logs >&2
    exit 1
}
trap stop_slurm EXIT

slurmctld -i
slurmd
for _ in $(seq 30); do
    sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
    sleep 1
done
sinfo -h -o %T | grep -qE '^(idle|mixed|allocated)' || fail "the node never came up"
echo "slurm.sh: one-node Slurm up: $(sinfo -h -o '%P %D %c %T %N')"

# The job sees this environment (sbatch exports it): the binary, the results
# outside the repository, and the measurement capped (the plumbing is under
# test here, not the numbers).
export ROOFLAB=$rooflab ROOFLAB_RESULTS=$tmp/results ROOFLAB_MAX_REPS=1
out=$(timeout 600 sbatch --wait --parsable --array=0-$((tasks - 1)) --chdir="$repo" \
    --output="$tmp/rooflab-%A_%a.out" scripts/slurm/rooflab.sbatch \
    --suite tiny --repetitions 1 --threads 1) || fail "sbatch --wait: the array failed"
job=${out%%;*}
echo "slurm.sh: array job $job finished"
dir=$tmp/results/slurm-$job
[ -d "$dir" ] || fail "no job folder $dir"

# The merge job was submitted by the array's first task with afterany.
[ -s "$dir/merge-job" ] || fail "no merge job recorded in $dir/merge-job"
merge_job=$(cat "$dir/merge-job")
for _ in $(seq 120); do
    state=$(scontrol show job "$merge_job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
    case $state in PENDING | RUNNING | CONFIGURING | COMPLETING | "") sleep 1 ;; *) break ;; esac
done
[ "$state" = COMPLETED ] || fail "merge job $merge_job ended $state"

for i in $(seq 0 $((tasks - 1))); do
    task_dir=$(find "$dir" -mindepth 1 -maxdepth 1 -type d -name "*-$i" | head -n 1)
    [ -n "$task_dir" ] || fail "no folder for task $i in $dir"
    [ -s "$task_dir/results.json" ] && [ -s "$task_dir/results.csv" ] ||
        fail "task $i wrote no results in $task_dir"
    python3 - "$task_dir/results.json" "$job" "$i" <<'EOF' || fail "task $i: wrong Slurm ids in results.json"
import json, sys
path, job, task = sys.argv[1:]
slurm = json.load(open(path)).get("slurm")
assert slurm, "no run.slurm in " + path
assert slurm["array_job_id"] == job and slurm["array_task_id"] == task, slurm
assert slurm["job_id"] and slurm["step_id"] and slurm["proc_id"] == "0" and slurm["node_list"], slurm
print("slurm.sh: task", task, "recorded", slurm)
EOF
done
merged=$dir/merged
[ -s "$merged/merge.json" ] && [ -s "$merged/merge.csv" ] || fail "no merged results in $merged"
python3 - "$merged/merge.json" "$tasks" <<'EOF' || fail "merged results do not hold every task"
import json, sys
m = json.load(open(sys.argv[1]))
runs = m.get("runs") or m.get("hosts") or []
assert len(runs) == int(sys.argv[2]), "%d runs merged, want %s" % (len(runs), sys.argv[2])
assert m.get("cases"), "no cases merged"
print("slurm.sh: merged", len(runs), "runs,", len(m["cases"]), "cases")
EOF

# Without --array or -N: one task, said so, merged by the batch step itself.
out=$(timeout 600 sbatch --wait --parsable --chdir="$repo" --output="$tmp/single-%j.out" \
    scripts/slurm/rooflab.sbatch --suite tiny --repetitions 1 --threads 1 --ops copy) ||
    fail "sbatch --wait: the single task failed"
single=${out%%;*}
grep -q "one task" "$tmp/single-$single.out" || fail "a single task did not say it is one"
sdir=$tmp/results/slurm-$single
ls "$sdir"/*-0/results.json >/dev/null 2>&1 || fail "no results of the single task in $sdir"
[ -s "$sdir/merged/merge.json" ] || fail "the single task's batch step merged nothing"
echo "slurm.sh: single-task job $single: $(ls "$sdir" | tr '\n' ' ')"
stop_slurm
rm -rf "$tmp"
echo "slurm.sh: PASSED in $(($(date +%s) - started)) s (job $job, merge job $merge_job)"
