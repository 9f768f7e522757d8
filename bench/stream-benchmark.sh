#!/usr/bin/env bash
# Streams and events, one run: range(N) read through the Tino client and through raw ITER/NEXT (StackExchange.Redis),
# and notify delivered to S subscribers, against the C# interop server running as its own process.
# Usage: bench/stream-benchmark.sh [items] [rounds] [subscribers] [events] [StreamLoad options, e.g. --batch 256 --in-flight 4]
set -euo pipefail
cd "$(dirname "$0")/.."
items=${1:-1000000}
rounds=${2:-3}
subscribers=${3:-10}
events=${4:-200000}
port=7605
dotnet build -c Release samples/InteropServer.CSharp -v q -nologo >/dev/null
dotnet build -c Release bench/StreamLoad -v q -nologo >/dev/null
dotnet samples/InteropServer.CSharp/bin/Release/net10.0/InteropServer.CSharp.dll --port "$port" > /tmp/tino-stream-bench.log 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null && wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q "listening" /tmp/tino-stream-bench.log && break
  sleep 0.2
done
dotnet bench/StreamLoad/bin/Release/net10.0/StreamLoad.dll --server "127.0.0.1:$port" \
  --items "$items" --rounds "$rounds" --subscribers "$subscribers" --events "$events" "${@:5}"
