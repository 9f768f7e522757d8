#!/usr/bin/env bash
# Side by side, in one run: the Tino client calling add(1, 2) on a Tino server, and StackExchange.Redis
# calling GET on redis-server, each with 50 concurrent callers sharing one connection.
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
dotnet bench/ClientLoad/bin/Release/net10.0/ClientLoad.dll --tino "127.0.0.1:$tino_port" --redis "127.0.0.1:$redis_port" \
  --callers 50 --seconds "$seconds" --rounds "$rounds"
