#!/usr/bin/env bash
# Two gates and the central server on loopback; the server is stopped ("cable pulled"), both
# gates keep working, a ticket issued at gate 1 leaves through gate 2, then the server returns
# and everything converges. Usage: bash scripts/demo/pulled-cable.sh   (needs npm install done)
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=$(mktemp -d /tmp/parkgate-demo.XXXX)
SERVER_PORT=${SERVER_PORT:-18080}; G1=${G1:-18701}; G2=${G2:-18702}
export DATABASE_URL="$DIR/server.db" PORT=$SERVER_PORT PAYMENT_GATEWAY=sim SIM_WEBHOOK_SECRET=demo-sim-secret LOG_LEVEL=warn
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "timeout waiting for $2 in $1"; cat "$1"; exit 1; }
call() { # call <port> <method> <json> [token]
  curl -s -X POST "http://127.0.0.1:$1/api/v1/$2" -H 'Content-Type: application/json' ${4:+-H "Authorization: Bearer $4"} -d "$3"; }
field() { node -e "let d='';process.stdin.on('data',c=>d+=c).on('end',()=>{const v=JSON.parse(d);console.log($1)})"; }

start_server() { node --import tsx src-server/main.ts > "$DIR/server.log" 2>&1 & SERVER_PID=$!; pids+=("$SERVER_PID"); wait_for "$DIR/server.log" "listening on"; }
enrol() { node --import tsx src-server/cli.ts kiosk add "$1" > "$DIR/enrol-$1.txt"; }
echo "== server and enrolment"; start_server; enrol gate1; enrol gate2
id() { sed -n 's/.*kiosk id:[[:space:]]*//p' "$DIR/enrol-$1.txt"; }; secret() { sed -n 's/.*kiosk secret:[[:space:]]*//p' "$DIR/enrol-$1.txt"; }

PARKGATE_KIOSK_SECRET="$(secret gate1)" node scripts/run-cli.mjs serve --db "$DIR/g1.db" --port $G1 --seed-demo --fake-clock --server "http://127.0.0.1:$SERVER_PORT" --kiosk-id "$(id gate1)" > "$DIR/g1.log" 2>&1 & pids+=($!)
PARKGATE_KIOSK_SECRET="$(secret gate2)" node scripts/run-cli.mjs serve --db "$DIR/g2.db" --port $G2 --fake-clock --server "http://127.0.0.1:$SERVER_PORT" --kiosk-id "$(id gate2)" > "$DIR/g2.log" 2>&1 & pids+=($!)
wait_for "$DIR/g1.log" "listening on"; wait_for "$DIR/g2.log" "listening on"

echo "== gate 2 started empty; after its first sync the facility's operators can log in there"
for _ in $(seq 1 100); do T2=$(call $G2 auth.login '{"username":"cashier","pin":"2468"}' | field "v.ok?v.data.token:''"); [ -n "$T2" ] && break; sleep 0.2; done
echo "gate 2 cashier login: ${T2:+ok}"
T1=$(call $G1 auth.login '{"username":"attendant","pin":"2468"}' | field "v.data.token")
call $G2 zones.list '{}' "$T2" | field "'gate 2 zones: '+v.data.map(z=>z.name+' '+z.availableSlots+'/'+z.totalSlots).join(', ')"

echo "== cable pulled: the server stops"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
NOW=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
call $G1 dev.setClock "{\"now\":\"$NOW\"}" >/dev/null; call $G2 dev.setClock "{\"now\":\"$NOW\"}" >/dev/null
TICKET=$(call $G1 gate.issueTicket '{"vehicleNumber":"KA01AB1234"}' "$T1")
echo "$TICKET" | field "'gate 1 (offline) issued '+v.data.vehicleNumber+' at slot '+v.data.slotNumber+', status '+v.data.status"
CODE=$(echo "$TICKET" | field "v.data.code")
call $G2 gate.issueTicket '{"vehicleNumber":"MH12CD5678"}' "$T2" | field "'gate 2 (offline) issued '+v.data.vehicleNumber+' at slot '+v.data.slotNumber"
LATER=$(node -e "console.log(new Date(Date.parse('$NOW')+130*60000).toISOString())")
call $G2 dev.setClock "{\"now\":\"$LATER\"}" >/dev/null
call $G2 shifts.open '{"openingFloatPaise":50000}' "$T2" >/dev/null
Q=$(call $G2 gate.quoteExit "{\"code\":\"$CODE\"}" "$T2")
echo "$Q" | field "'gate 2 (offline) read gate 1 ticket: '+v.data.billableHours+' h, due '+v.data.amountDuePaise+' paise'"
SID=$(echo "$Q" | field "v.data.sessionId")
call $G2 gate.payCash "{\"sessionId\":\"$SID\",\"tenderedPaise\":20000}" "$T2" | field "'gate 2 (offline) cash: change '+v.data.changePaise+' paise, session '+v.data.session.status"
call $G1 system.health '{}' | field "'gate 1 health: online='+v.data.online+' pendingEvents='+v.data.pendingEvents"
call $G2 system.health '{}' | field "'gate 2 health: online='+v.data.online+' pendingEvents='+v.data.pendingEvents"

echo "== cable back: the server restarts"
start_server
for _ in $(seq 1 150); do
  P1=$(call $G1 system.health '{}' | field "v.data.pendingEvents"); P2=$(call $G2 system.health '{}' | field "v.data.pendingEvents")
  S1=$(call $G1 sessions.get "{\"sessionId\":\"$SID\"}" "$T1" | field "v.ok?v.data.status:'-'")
  [ "$P1" = 0 ] && [ "$P2" = 0 ] && [ "$S1" = COMPLETED ] && break; sleep 0.2
done
for g in $G1 $G2; do
  TK=$(call $g auth.login '{"username":"supervisor","pin":"2468"}' | field "v.data.token")
  call $g sessions.list '{}' "$TK" | field "'gate on :$g sessions: '+v.data.items.map(s=>s.vehicleNumber+'@'+s.slotNumber+'='+s.status+(s.amountPaidPaise?' paid '+s.amountPaidPaise:'')+(s.conflict?' CONFLICT':'')).sort().join(', ')"
  call $g integrity.check '{}' "$TK" | field "'gate on :$g integrity ok: '+v.data.ok"
  call $g system.health '{}' | field "'gate on :$g health: online='+v.data.online+' pendingEvents='+v.data.pendingEvents"
done
