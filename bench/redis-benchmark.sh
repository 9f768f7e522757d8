#!/usr/bin/env bash
# Side by side, in one run: redis-benchmark against a Tino server's ADD and against redis-server's GET.
# Usage: bench/redis-benchmark.sh [requests] [pipeline...]   (defaults: 200000 requests, pipelines 16 and 1)
# Needs redis-tools and redis-server (installed here when missing; run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200000}
shift || true
pipelines=("${@:-16 1}")
read -r -a pipelines <<< "${pipelines[*]}"
clients=50

for program in redis-benchmark redis-server; do
  command -v "$program" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q redis-tools redis-server >/dev/null; }
done

tino_port=7601
redis_port=7602
dotnet build -c Release samples/QuickStart -v q -nologo >/dev/null
dotnet samples/QuickStart/bin/Release/net10.0/QuickStart.dll --port "$tino_port" > /tmp/tino-bench.log &
tino_pid=$!
redis-server --port "$redis_port" --save "" --appendonly no --daemonize no > /tmp/redis-bench.log &
redis_pid=$!
trap 'kill $tino_pid $redis_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  redis-cli -p "$tino_port" PING >/dev/null 2>&1 && redis-cli -p "$redis_port" PING >/dev/null 2>&1 && break
  sleep 0.2
done
redis-cli -p "$redis_port" SET key "$(printf '\x03')" >/dev/null

rps() { # prints requests per second of one redis-benchmark run
  redis-benchmark -h 127.0.0.1 -p "$1" -c "$clients" -n "$requests" -P "$2" -q "${@:3}" 2>/dev/null \
    | tr '\r' '\n' | grep 'requests per second' | tail -1 | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/'
}

echo "| pipeline | redis-server GET (req/s) | Tino ADD (req/s) | Tino / redis |"
echo "|---|---|---|---|"
for p in "${pipelines[@]}"; do
  rps "$tino_port" "$p" ADD $'\x01' $'\x02' >/dev/null   # warm-up: JIT and tiered compilation
  redis_rps=$(rps "$redis_port" "$p" GET key)
  tino_rps=$(rps "$tino_port" "$p" ADD $'\x01' $'\x02')
  ratio=$(awk -v t="$tino_rps" -v r="$redis_rps" 'BEGIN { printf "%.2f", t / r }')
  echo "| -P $p | $redis_rps | $tino_rps | $ratio |"
done
