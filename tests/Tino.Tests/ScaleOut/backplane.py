# Subscribers on three Tino instances that share a Redis backplane (BackplaneTests.fs):
# /usr/bin/python3 backplane.py <port A> <port B> <port C>; prints, as JSON, the events each subscriber received.
import json
import sys
import time

import msgpack
import redis

a, b, c = (int(port) for port in sys.argv[1:4])


def subscriber(port, pattern=None, channel=None):
    pubsub = redis.Redis(host="127.0.0.1", port=port, socket_timeout=30).pubsub()
    if pattern:
        pubsub.psubscribe(pattern)
    else:
        pubsub.subscribe(channel)
    confirmation = pubsub.get_message(timeout=5)
    assert confirmation and confirmation["type"] in ("subscribe", "psubscribe"), confirmation
    return pubsub


on_a = subscriber(a, channel="news")
on_b = subscriber(b, channel="news")
on_c = subscriber(c, pattern="ne*")
redis.Redis(host="127.0.0.1", port=b).execute_command("NOTIFY", msgpack.packb("news"), msgpack.packb("through B"))
redis.Redis(host="127.0.0.1", port=a).execute_command("NOTIFY", msgpack.packb("news"), msgpack.packb("through A"))


def received(pubsub):
    events, quiet_until = [], time.time() + 1.5
    while time.time() < quiet_until:
        message = pubsub.get_message(timeout=0.2)
        if message and message["type"] in ("message", "pmessage"):
            events.append(msgpack.unpackb(message["data"]))
    return sorted(events)


print(json.dumps({"a": received(on_a), "b": received(on_b), "c": received(on_c)}))
