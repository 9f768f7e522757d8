#!/usr/bin/env bash
# Side by side, in one run: the Tino client calling add(1, 2) on a Tino server, and StackExchange.Redis
# calling GET on redis-server, each with 50 concurrent callers sharing one connection. ClientLoad runs once
# per round and workload, alternating them (tino, redis, tino, redis, ...) so that both see the same machine;
# each run warms up for 2 s before it measures. Prints each run, the medians and their ratio.
# Usage: bench/client-benchmark.sh [seconds per round] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
rounds=${2:-3}
command -v redis-server >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q redis-server >/dev/null; }
tino_port=7603
redis_port=7604
dotnet build -c Release samples/QuickStart -v q -nologo >/dev/null
dotnet build -c Release bench/ClientLoad -v q -nologo >/dev/null
dotnet samples/QuickStart/bin/Release/net10.0/QuickStart.dll --port "$tino_port" > /tmp/tino-client-bench.log &
tino_pid=$!
redis-server --port "$redis_port" --save "" --appendonly no > /tmp/redis-client-bench.log &
redis_pid=$!
trap 'kill $tino_pid $redis_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q "listening" /tmp/tino-client-bench.log && redis-cli -p "$redis_port" PING >/dev/null 2>&1 && break
  sleep 0.2
done

# One ClientLoad run: its last line is "calls/s: <integer>". A failed call makes it exit non-zero, and the
# script stops (command substitutions do not inherit set -e, hence the explicit checks).
rate() {
  local output rate
  output=$(dotnet bench/ClientLoad/bin/Release/net10.0/ClientLoad.dll --target "$1" --address "127.0.0.1:$2" \
    --callers 50 --seconds "$seconds" --warmup 2) || { echo "ClientLoad --target $1 failed" >&2; return 1; }
  rate=$(tail -n 1 <<<"$output" | sed -n 's/^calls\/s: \([0-9][0-9]*\)$/\1/p')
  [ -n "$rate" ] || { echo "ClientLoad --target $1 printed no calls/s line" >&2; return 1; }
  echo "$rate"
}
# The middle value; of an even count, the upper of the two middle ones.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int(NR / 2) + 1] }'; }

tino_rates=()
redis_rates=()
for round in $(seq "$rounds"); do
  tino_rates+=("$(rate tino "$tino_port")")
  redis_rates+=("$(rate redis "$redis_port")")
  echo "round $round: tino add(1, 2) ${tino_rates[-1]} calls/s, redis GET key ${redis_rates[-1]} calls/s"
done
tino_median=$(printf '%s\n' "${tino_rates[@]}" | median)
redis_median=$(printf '%s\n' "${redis_rates[@]}" | median)
echo "callers: 50, rounds: $rounds x $seconds s (after 2 s warm-up each), median calls/s"
echo "tino  add(1, 2): $tino_median"
echo "redis GET key  : $redis_median"
awk -v t="$tino_median" -v r="$redis_median" 'BEGIN { printf "ratio tino/redis: %.2f\n", t / r }'
