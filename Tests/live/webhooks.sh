#!/usr/bin/env bash
# Webhooks (#17) against a real `runwatch serve` and a real receiver (Tests/live/webhook_receiver.py, python3
# standard library), both on free 127.0.0.1 ports and stopped by PID. Webhooks are added with the CLI, runs are
# finished through the worker API, and the receiver verifies every signature. Phases:
#   A. success, and a receiver answering 500 to its first 3 requests: each delivered once, after retries;
#      a Slack-format webhook gets {"text": …} with the run link.
#   B. the receiver down for 12 s, then up again: everything delivered. (The backoff cap is 2 s here,
#      `serve --webhook-max-backoff-seconds 2`, so "down for a while" takes seconds; production caps at 5 min.)
#   C. `kill -9` of serve in the middle of a queue, then a restart: nothing lost; the delivery in flight may be
#      sent again with the same delivery id (at least once), never under a new one.
#   D. a clean restart (SIGTERM) in the middle of a queue: nothing lost and nothing sent twice.
# Needs RUNWATCH (the binary), curl and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNWATCH=${RUNWATCH:-.build/debug/runwatch}
source Tests/live/server.sh

work=$(mktemp -d)
RECEIVER_PID=""
stop_receiver() {
  [ -n "$RECEIVER_PID" ] || return 0
  kill "$RECEIVER_PID" 2>/dev/null || true
  wait "$RECEIVER_PID" 2>/dev/null || true
  RECEIVER_PID=""
}
cleanup() {
  rw_stop
  stop_receiver
  rm -rf "$work"
}
trap cleanup EXIT
started=$(date +%s)

cat >"$work/policy.yaml" <<'YAML'
safety_margin_seconds: 1
queues:
  default: { retry_after_seconds: 600 }
reconcile: { interval_seconds: 60, batch_limit: 100 }
types:
  report.build:
    queue: default
    queued_stale_after_seconds: 3000
    running_stale_after_seconds: 1200
    expected_runtime_seconds: 5
    job_timeout_seconds: 200
    terminal_truth_path: direct_and_scheduled
    scheduled_reconciliation: true
    capability: operations.view
YAML
db="$work/webhooks.sqlite"
"$RUNWATCH" workspace add --db "$db" --slug acme --name Acme >/dev/null 2>&1
token=$("$RUNWATCH" token create --db "$db" --workspace acme --name webhooks 2>/dev/null)
echo '{}' >"$work/secrets.json"
received="$work/received.jsonl"
touch "$received"

# start_receiver PORT [receiver options…]: starts the receiver (PORT 0: a free one) and waits for its port.
start_receiver() {
  local port=$1
  shift
  rm -f "$work/port"
  python3 Tests/live/webhook_receiver.py --port "$port" --port-file "$work/port" --log "$received" \
    --secrets "$work/secrets.json" "$@" &
  RECEIVER_PID=$!
  for _ in $(seq 1 100); do [ -s "$work/port" ] && return 0; sleep 0.05; done
  echo "webhooks.sh: the receiver did not start" >&2
  exit 1
}

# add PATH [webhook add options…]: a webhook to the receiver's PATH; its secret goes to the receiver.
add() {
  local path=$1 secret
  shift
  secret=$("$RUNWATCH" webhook add --db "$db" --workspace acme --url "$hook$path" "$@" 2>/dev/null)
  python3 - "$work/secrets.json" "$path" "$secret" <<'PY'
import json, sys
secrets = json.load(open(sys.argv[1])); secrets[sys.argv[2]] = sys.argv[3]
json.dump(secrets, open(sys.argv[1], "w"))
PY
}

# finish OUTCOME: creates a run through the worker API and completes it; notes its id and when.
finish() {
  local id
  id=$(rw_api "$token" POST /runs '{"type":"report.build"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  rw_api "$token" POST "/runs/$id/complete" "{\"outcome\":\"$1\"}" >/dev/null
  echo "$id $1 $(date +%s.%N) $phase" >>"$work/runs.txt"
}

# delivered PATH: distinct delivery ids PATH answered 200 to.
delivered() {
  python3 -c '
import json, sys
print(len({r["delivery"] for r in map(json.loads, open(sys.argv[1])) if r["path"] == sys.argv[2] and r["status"] == 200}))
' "$received" "$1"
}

# wait_for PATH COUNT: waits (up to 40 s) until PATH has COUNT distinct deliveries.
wait_for() {
  for _ in $(seq 1 200); do
    [ "$(delivered "$1")" -ge "$2" ] && return 0
    sleep 0.2
  done
  echo "webhooks.sh: $1 got $(delivered "$1") deliveries, expected $2" >&2
  exit 1
}

serve() { rw_serve "$db" "$work/serve.log" --policy "$work/policy.yaml" --webhook-max-backoff-seconds 2; }

start_receiver 0 --fail /retry=3
port=$(cat "$work/port")
hook="http://127.0.0.1:$port"
add /ok --event run.terminal
add /retry --event run.terminal
add /slack --event run.failed --format slack
"$RUNWATCH" webhook list --db "$db" --workspace acme 2>/dev/null | sed 's/^/  webhook: /'
serve
first_url=$RW_URL

phase=A
finish failed
finish succeeded
finish succeeded
wait_for /ok 3
wait_for /retry 3
wait_for /slack 1
echo "A. delivered: /ok $(delivered /ok), /retry $(delivered /retry) (after 3 answers of 500), /slack $(delivered /slack)"

phase=B
stop_receiver
finish failed
finish succeeded
finish failed
finish succeeded
finish succeeded
sleep 12
start_receiver "$port"
wait_for /ok 8
wait_for /retry 8
wait_for /slack 3
echo "B. receiver down 12 s, then up: /ok $(delivered /ok), /retry $(delivered /retry), /slack $(delivered /slack)"

phase=C
stop_receiver
start_receiver "$port" --delay /ok=0.2 --delay /retry=0.2 --delay /slack=0.2
for _ in $(seq 1 10); do finish succeeded; done
sleep 1.5
kill -9 "$RW_PID"
wait "$RW_PID" 2>/dev/null || true
RW_PID=""
before_restart=$(($(delivered /ok) + $(delivered /retry) - 16))
serve
wait_for /ok 18
wait_for /retry 18
echo "C. kill -9 after $before_restart of 20 deliveries, restarted: /ok $(delivered /ok), /retry $(delivered /retry)"

phase=D
for _ in $(seq 1 10); do finish succeeded; done
sleep 1.5
rw_stop
before_restart=$(($(delivered /ok) + $(delivered /retry) - 36))
serve
wait_for /ok 28
wait_for /retry 28
echo "D. clean restart after $before_restart of 20 deliveries: /ok $(delivered /ok), /retry $(delivered /retry)"
rw_stop

python3 - "$received" "$work/runs.txt" "$db" "$first_url" <<'PY'
import collections, json, sqlite3, sys
records = [json.loads(line) for line in open(sys.argv[1])]
runs = [line.split() for line in open(sys.argv[2])]
finished = {int(run_id): (outcome, float(at), phase) for run_id, outcome, at, phase in runs}
failed = {run_id for run_id, (outcome, _, _) in finished.items() if outcome == "failed"}
problems = []
def check(condition, message):
    if not condition:
        problems.append(message)

check(all(r["signed"] for r in records), "a request carried a signature the receiver could not verify")
for path, expected in (("/ok", set(finished)), ("/retry", set(finished))):
    ok = [r for r in records if r["path"] == path and r["status"] == 200]
    by_run = collections.defaultdict(set)
    for r in ok:
        by_run[r["run"]].add(r["delivery"])
    check(set(by_run) == expected, f"{path}: runs delivered {sorted(by_run)} != finished {sorted(expected)}")
    check(all(len(ids) == 1 for ids in by_run.values()), f"{path}: a run was delivered under two delivery ids")
slack = [r for r in records if r["path"] == "/slack" and r["status"] == 200]
check(len({r["delivery"] for r in slack}) == len(failed), f"/slack: {len(slack)} deliveries for {len(failed)} failed runs")
first = sorted(failed)[0]
link = f"<{sys.argv[4].rstrip('/')}/operations/{first}|"
check(any(r["text"] and link in r["text"] for r in slack), f"/slack: no text with the run link {link}")
# Phase D ended with a clean restart: no delivery of its runs was sent twice.
clean = {run_id for run_id, (_, _, phase) in finished.items() if phase == "D"}
sent = collections.Counter(r["delivery"] for r in records if r["run"] in clean and r["status"] == 200)
check(all(count == 1 for count in sent.values()), f"phase D: deliveries sent twice: {[d for d, c in sent.items() if c > 1]}")
resent = sum(count - 1 for count in collections.Counter(r["delivery"] for r in records if r["status"] == 200).values())
first_ok = {}
for r in records:
    if r["status"] == 200 and r["run"] is not None:
        first_ok.setdefault((r["path"], r["run"]), r["received_at"])
delays = collections.defaultdict(float)
for (path, run_id), at in first_ok.items():
    phase = finished[run_id][2]
    delays[phase] = max(delays[phase], at - finished[run_id][1])
rows = sqlite3.connect(sys.argv[3]).execute(
    "SELECT status, COUNT(*), SUM(attempts), MAX(attempts) FROM webhook_deliveries GROUP BY status").fetchall()
print(f"runs finished: {len(finished)} ({len(failed)} failed); requests received: {len(records)}, "
      f"answered 500: {sum(r['status'] == 500 for r in records)}; "
      f"distinct deliveries: {len({r['delivery'] for r in records if r['status'] == 200})}; "
      f"re-sent with the same id after kill -9: {resent}")
print("outbox: " + ", ".join(f"{status} {count} (attempts {total}, max {most})" for status, count, total, most in rows))
print("max delay from completion to delivery: " + ", ".join(f"{phase} {delays[phase]:.1f} s" for phase in sorted(delays)))
check([row[0] for row in rows] == ["delivered"], f"outbox rows not all delivered: {rows}")
for problem in problems:
    print("FAIL: " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "webhooks.sh: passed in $(($(date +%s) - started)) s"
