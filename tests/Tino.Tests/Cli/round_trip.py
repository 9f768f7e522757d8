"""Round trips through a client that `tino generate python` wrote for RoundTripTests' server: the values .NET's
proxy sends (RoundTripTests.fs), in the same order; each must come back as it went. Usage: round_trip.py <dir> <port>"""
import datetime
import struct
import sys

sys.path.insert(0, sys.argv[1])
from tino_client import Client, Leaf, Many, Mixed, Pair, Widths, Wrapped  # noqa: E402

failures = []


def check(what, got, expected):
    if got != expected:
        failures.append(f"{what}: expected {expected!r}, got {got!r}")


def single(value):
    """The float32 nearest to value, as .NET's (float) cast makes it."""
    return struct.unpack(">f", struct.pack(">f", value))[0]


def utc(*parts):
    return datetime.datetime(*parts, tzinfo=datetime.timezone.utc)


with Client(port=int(sys.argv[2])) as client:
    check("widths, the least", client.widths(-128, -32768, -2147483648, -9007199254740991, 255, 65535, 4294967295, 9007199254740991),
          Widths(-128, -32768, -2147483648, -9007199254740991, 255, 65535, 4294967295, 9007199254740991))
    check("widths, the most", client.widths(127, 32767, 2147483647, 4294967296, 0, 256, 65536, 0),
          Widths(127, 32767, 2147483647, 4294967296, 0, 256, 65536, 0))
    check("floats", client.floats(1.5, 2.0), (1.5, 2.0))
    check("floats, rounded to float32", client.floats(0.1, 0.1), (single(0.1), 0.1))
    check("floats, the largest", client.floats(3.4028234663852886e38, 1e300), (3.4028234663852886e38, 1e300))
    times = [utc(2000, 1, 1), utc(2024, 2, 29, 12, 34, 56, 789000), utc(1969, 7, 20, 20, 17, 40), utc(2600, 1, 1, 0, 0, 0, 1000)]
    check("times", client.times(times), times)
    data = bytes(i % 256 for i in range(300))
    check("bin", client.bin(data), data)
    keyed = {-2: "minus two", 1: "one", 300: "three hundred"}
    check("keyed", client.keyed(keyed), keyed)
    for tree in [Wrapped(Leaf(7)), Many([Leaf(-1), Pair("x", 0.5)], "label"), Many([], None)]:
        check("tree", client.tree(tree), tree)
    mixed = Mixed(at=utc(2024, 2, 29, 12, 34, 56, 789000), data=b"\x01\x02\x03", keyed={5: "five"},
                  tree=Wrapped(Pair("π", 2.5)), note=None, ratio=0.75)
    check("mixed", client.mixed(mixed), mixed)

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("round trips passed")
