#!/usr/bin/env bash
# Three instances of the interop server on one Redis backplane, behind HAProxy, all on this machine: the walk of
# docs/deploy.md, section 5. Prints "ready" once every instance, and HAProxy, answers TINO.HEALTH with READY; Ctrl-C (or SIGTERM) stops them all.
# Ports: REDIS_PORT (6379), TINO_PORTS ("7001 7002 7003"), HAPROXY_PORT (6380).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
redis_port="${REDIS_PORT:-6379}"
read -r -a tino_ports <<<"${TINO_PORTS:-7001 7002 7003}"
haproxy_port="${HAPROXY_PORT:-6380}"
haproxy="$(command -v haproxy || echo /usr/sbin/haproxy)"
work="$(mktemp -d -t tino-local-XXXXXX)"
pids=()

stop() {
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 0' INT TERM

server="$root/samples/InteropServer.CSharp/bin/Release/net10.0/InteropServer.CSharp.dll"
[ -f "$server" ] || dotnet build "$root/samples/InteropServer.CSharp" -c Release -v quiet

# 1. The Redis server that carries events between the instances.
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)

# 2. Three instances of the same app, each on the backplane.
for port in "${tino_ports[@]}"; do
  dotnet "$server" --port "$port" --backplane "redis://127.0.0.1:$redis_port" >"$work/tino-$port.log" 2>&1 &
  pids+=($!)
  echo "instance on port $port: pid $!"
done

# 3. HAProxy in front: section 3's configuration, in plain TCP (no certificate needed on one machine).
cat >"$work/haproxy.cfg" <<EOF
global
    stats socket $work/haproxy.sock mode 600 level admin

defaults
    mode tcp
    timeout connect 2s
    timeout client 30m
    timeout server 30m
    timeout check 2s
    retries 2
    option redispatch 1

frontend tino
    bind 127.0.0.1:$haproxy_port
    default_backend tino

backend tino
    balance roundrobin
    option tcp-check
    tcp-check send TINO.HEALTH\r\nQUIT\r\n
    tcp-check expect string +READY
    default-server inter 1s fall 2 rise 2 on-marked-down shutdown-sessions
EOF
for i in "${!tino_ports[@]}"; do
  echo "    server tino$((i + 1)) 127.0.0.1:${tino_ports[$i]} check" >>"$work/haproxy.cfg"
done
"$haproxy" -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids+=($!)

# TINO.HEALTH on a connection of its own, as HAProxy's check sends it: true when the reply is +READY.
ready() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'TINO.HEALTH\r\nQUIT\r\n' >&3 && read -r -t 2 reply <&3 && [[ "$reply" == "+READY"* ]]) 2>/dev/null
}
for port in "${tino_ports[@]}" "$haproxy_port"; do
  for _ in $(seq 1 120); do ready "$port" && break || sleep 0.5; done
  ready "$port" || { echo "nothing READY on port $port after 60 s; logs in $work" >&2; exit 1; }
done
echo "ready: redis://127.0.0.1:$haproxy_port reaches ${#tino_ports[@]} instances (logs and haproxy.sock in $work)"
wait
