"""Read a Tino stream and a Tino event channel with redis-py alone (no MessagePack library).

Against an interop server (docs/interop-server.md): `range` streams 0 .. n-1, `notify` publishes an event.
Usage: python3 streams_and_events.py [port]   (default 7534)
"""
import struct
import sys

import redis


def unpack(b):
    """Enough MessagePack for these values: nil, bools, integers, float64 and strings."""
    tag = b[0]
    if tag <= 0x7F or tag >= 0xE0:
        return struct.unpack("b", b[:1])[0] if tag >= 0xE0 else tag
    if 0xA0 <= tag <= 0xBF:
        return b[1:1 + (tag & 0x1F)].decode()
    fixed = {0xC0: None, 0xC2: False, 0xC3: True}
    if tag in fixed:
        return fixed[tag]
    formats = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q", 0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q", 0xCB: ">d"}
    if tag in formats:
        return struct.unpack(formats[tag], b[1:1 + struct.calcsize(formats[tag])])[0]
    if tag == 0xD9:
        return b[2:2 + b[1]].decode()
    raise ValueError(f"not handled here: 0x{tag:02x}")


def pack(value):
    """MessagePack of a non-negative integer or a short string: what these calls send."""
    if isinstance(value, int):
        for limit, tag, layout in ((0x7F, b"", ">B"), (0xFF, b"\xcc", ">B"), (0xFFFF, b"\xcd", ">H"), (0xFFFFFFFF, b"\xce", ">I")):
            if 0 <= value <= limit:
                return tag + struct.pack(layout, value)
        raise ValueError(f"not handled here: {value}")
    data = value.encode()
    return bytes([0xA0 | len(data)]) + data if len(data) < 32 else b"\xd9" + bytes([len(data)]) + data


r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 7534)

# A stream: ITER starts it and replies [cursor, first batch]; NEXT <cursor> <count> replies the next batch;
# cursor b"0" means the batch was the last.
cursor, batch = r.execute_command("ITER", "range", pack(300))
items = [unpack(item) for item in batch]
while cursor != b"0":
    cursor, batch = r.execute_command("NEXT", cursor, 100)
    items += [unpack(item) for item in batch]
print("range:", len(items), "items,", items[:3], "...", items[-1])

# Leaving a stream early: CLOSE cancels its producer on the server.
cursor, batch = r.execute_command("ITER", "range", pack(100000))
print("first batch:", len(batch), "items; close:", r.execute_command("CLOSE", cursor))

# Events: redis-py's own pub/sub, on a connection of its own.
events = r.pubsub()
events.subscribe("news")
events.psubscribe("news.*")
confirmed = 0
while confirmed < 2:
    message = events.get_message(timeout=5)
    confirmed += 1 if message and message["type"] in ("subscribe", "psubscribe") else 0
print("reached:", unpack(r.execute_command("notify", pack("news"), pack("hello"))))
print("reached:", unpack(r.execute_command("notify", pack("news.eu"), pack(42))))
received = []
while len(received) < 2:
    message = events.get_message(timeout=5)
    if message and message["type"] in ("message", "pmessage"):
        received.append(message)
        print(message["type"], message["channel"].decode(), unpack(message["data"]))
events.close()
