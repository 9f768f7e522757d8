#!/usr/bin/env bash
# The event loop's two settings side by side: the QuickStart server under each variant and redis-server, measured
# in turn with redis-benchmark, round after round. For each run: requests per second, redis-benchmark's CPU per
# request, and the server's CPU and sleeps (voluntary context switches of all its threads) per request.
# Usage: bench/loop-settings.sh [pipeline] [requests] [rounds] [variant ...]
#   a variant is LOOPS/SPIN_MICROSECONDS, "-" keeping the default (e.g. 1/50, -/0, 2/-); without any:
#   -/- -/0 1/0 2/50
set -euo pipefail
cd "$(dirname "$0")/.."
pipeline=${1:-16}
requests=${2:-2000000}
rounds=${3:-3}
shift $(($# < 3 ? $# : 3))
variants=(-/- -/0 1/0 2/50)
[ $# -gt 0 ] && variants=("$@")
dotnet build -c Release samples/QuickStart -v q -nologo >/dev/null
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

cpu_ticks() { awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' "/proc/$1/stat"; }
sleeps() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ { n += $2 } END { print n }'; }

# One QuickStart copy per variant, its runtimeconfig carrying the variant's settings.
ports=() names=()
port=7641
for variant in "${variants[@]}"; do
  loops=${variant%/*} spin=${variant#*/}
  dir="$work/$port"
  cp -r samples/QuickStart/bin/Release/net10.0 "$dir"
  /usr/bin/python3 - "$dir/QuickStart.runtimeconfig.json" "$loops" "$spin" <<'EOF'
import json, sys
path, loops, spin = sys.argv[1:]
config = json.load(open(path))
properties = config["runtimeOptions"].setdefault("configProperties", {})
if loops != "-": properties["Tino.Server.EventLoopCount"] = int(loops)
if spin != "-": properties["Tino.Server.EventLoopSpinMicroseconds"] = int(spin)
json.dump(config, open(path, "w"), indent=2)
EOF
  dotnet "$dir/QuickStart.dll" --port "$port" > "$dir/server.log" 2>&1 &
  pids+=($!) ports+=("$port") names+=("Tino loops=$loops spin=$spin")
  port=$((port + 1))
done
redis-server --port "$port" --save "" --appendonly no > "$work/redis.log" 2>&1 &
pids+=($!) ports+=("$port") names+=("redis-server")
sleep 3
redis-cli -p "$port" SET key $'\x03' > /dev/null

add=(ADD $'\x01' $'\x02') get=(GET key)
for i in "${!ports[@]}"; do
  [ "${names[$i]}" = "redis-server" ] || redis-benchmark -p "${ports[$i]}" -c 50 -n 200000 -P 16 -q "${add[@]}" > /dev/null 2>&1
done
for round in $(seq "$rounds"); do
  for i in "${!ports[@]}"; do
    pid=${pids[$i]}
    if [ "${names[$i]}" = "redis-server" ]; then call=("${get[@]}"); else call=("${add[@]}"); fi
    cpu_before=$(cpu_ticks "$pid") sleeps_before=$(sleeps "$pid")
    output=$( { TIMEFORMAT='%U %S'; time redis-benchmark -p "${ports[$i]}" -c 50 -n "$requests" -P "$pipeline" -q "${call[@]}" 2>/dev/null; } 2>&1 )
    cpu_after=$(cpu_ticks "$pid") sleeps_after=$(sleeps "$pid")
    rate=$(grep -o '[0-9.]* requests per second' <<< "$output" | cut -d' ' -f1)
    client=$(tail -1 <<< "$output")
    awk -v round="$round" -v name="${names[$i]}" -v rate="$rate" -v client="$client" -v n="$requests" \
        -v cpu=$((cpu_after - cpu_before)) -v slept=$((sleeps_after - sleeps_before)) 'BEGIN {
      split(client, c, " ");
      printf "round %d  %-26s %10.0f req/s  redis-benchmark %6.0f ns/req  server %6.0f ns/req  %.3f sleeps/req\n",
        round, name, rate, (c[1] + c[2]) * 1e9 / n, cpu * 1e7 / n, slept / n }'
  done
done
