#!/usr/bin/env bash
# Soak: 50 connections calling the QuickStart server for a while (5 minutes unless told), reporting
# throughput, errors and the server's RSS every 10 s. Exit code 0 only when there were no errors.
# Usage: bench/soak.sh [minutes] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-5}
connections=${2:-50}
port=7605
dotnet build -c Release samples/QuickStart -v q -nologo >/dev/null
dotnet build -c Release bench/Soak -v q -nologo >/dev/null
dotnet samples/QuickStart/bin/Release/net10.0/QuickStart.dll --port "$port" > /tmp/tino-soak.log &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening /tmp/tino-soak.log && break; sleep 0.2; done
dotnet bench/Soak/bin/Release/net10.0/Soak.dll --server "127.0.0.1:$port" --pid "$server" \
  --connections "$connections" --minutes "$minutes" --interval 10
