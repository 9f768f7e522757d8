# The redis-py side of the client matrix (ClientMatrix.fs): /usr/bin/python3 ClientMatrix.py <port> <case>.
# Debian's python3-redis (4.3.4) and python3-msgpack; prints "ok" when every check of the case passes.
import sys

import msgpack
import redis

PORT = int(sys.argv[1])


def client(**options):
    return redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30, **options)


def pack(value):
    return msgpack.packb(value, use_bin_type=True)


def unpack(data):
    return msgpack.unpackb(data, raw=False)


def expect(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def error_of(call):
    try:
        call()
    except redis.exceptions.ResponseError as error:
        return str(error)
    raise AssertionError("expected an error reply")


def calls():
    r = client()
    expect(unpack(r.execute_command("ADD", pack(1), pack(2))), 3, "add")
    value = {"a": [1, 2.5, None, True, "ü", b"\x00\x01"], "b": {"c": -7}}
    expect(unpack(r.execute_command("ECHO_VALUE", pack(value))), value, "echo_value")
    expect(unpack(r.execute_command("concat", pack(["tino", " ", "py"]))), "tino py", "concat")
    note = unpack(r.execute_command("CREATE_NOTE", pack({"text": "milk", "completed": False})))
    expect((note["text"], note["completed"]), ("milk", False), "create_note")
    expect(unpack(r.execute_command("GET_NOTE", pack(note["id"]))), note, "get_note")
    expect(r.execute_command("TINO.JSON", "add", "1", "2"), b"3", "TINO.JSON")
    expect(r.ping(), True, "PING")


def errors():
    r = client()
    expect(error_of(lambda: r.execute_command("NOPE")), "INVALID_COMMAND NOPE", "unknown command")
    expect(error_of(lambda: r.execute_command("ADD", pack(1))), "NUM_ARG_MISMATCH expected 2 got 1", "count")
    validation = error_of(lambda: r.execute_command("ADD", pack("x"), pack(1)))
    assert validation.startswith('VALIDATION_ERROR ["command","a"] '), validation
    expect(error_of(lambda: r.execute_command("FAIL", pack("NOT_FOUND"), pack("gone"))), 'NOT_FOUND "gone"', "typed error")
    crash = error_of(lambda: r.execute_command("CRASH"))
    assert crash.startswith('UNEXPECTED_ERROR "unexpected error (error id '), crash
    invalid = error_of(lambda: r.execute_command("TINO.JSON", "add", "1", "x"))
    assert invalid.startswith('INVALID_JSON ["command","b"] '), invalid
    expect(unpack(r.execute_command("ADD", pack(1), pack(1))), 2, "the connection is still usable")


def auth():
    expect(error_of(lambda: client().execute_command("WHOAMI")), 'PERMISSION_DENIED "authentication required: send AUTH <password> first"', "without AUTH")
    expect(unpack(client().execute_command("MAYBE_WHOAMI")), None, "nobody")
    expect(unpack(client(password="tinaspassword").execute_command("WHOAMI")), "tina", "password")
    expect(unpack(client(username="bob", password="bobspassword").execute_command("WHOAMI")), "bob", "user and password")
    try:
        client(password="wrong").execute_command("WHOAMI")
    except (redis.exceptions.ResponseError, redis.exceptions.ConnectionError):
        pass
    else:
        raise AssertionError("a wrong password was accepted")


def state():
    r = client()
    expect([unpack(r.execute_command("COUNTER")) for _ in range(3)], [1, 2, 3], "one connection counts on")
    expect(unpack(client().execute_command("COUNTER")), 1, "a new connection starts again")
    expect(r.execute_command("TINO.CODEC", "json"), b"OK", "codec")
    expect(r.execute_command("COUNTER"), b"4", "JSON replies on this connection")


def pipelining():
    pipe = client().pipeline(transaction=False)
    pipe.execute_command("SLEEP", pack(30))
    for i in range(500):
        pipe.execute_command("ADD", pack(i), pack(1))
    pipe.execute_command("NOPE")
    pipe.execute_command("COUNTER")
    results = pipe.execute(raise_on_error=False)
    expect(unpack(results[0]), 30, "the slow call first")
    expect([unpack(x) for x in results[1:501]], [i + 1 for i in range(500)], "replies in request order")
    assert isinstance(results[501], redis.exceptions.ResponseError), results[501]
    expect(unpack(results[502]), 1, "after the error")


def large():
    r = client()
    blob = unpack(r.execute_command("BLOB", pack(3_000_000)))
    expect(len(blob), 3_000_000, "blob length")
    expect(blob[250:253], bytes([250, 0, 1]), "i % 251")
    expect(unpack(r.execute_command("BLOB_LEN", pack(b"\x07" * 5_000_000))), 5_000_000, "a 5 MB argument")
    text = "x" * 1_000_000
    expect(unpack(r.execute_command("CONCAT", pack([text, text]))), text + text, "2 MB of text")


def context():
    r = client()
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    ctx = {"traceparent": traceparent, "timeout_ms": 5000, "meta": {"tenant": "acme"}}
    expect(unpack(r.execute_command("ADD", b"\xc1" + pack(ctx), pack(1), pack(2))), 3, "a call with a context")
    late = error_of(lambda: r.execute_command("SLEEP", b"\xc1" + pack({"timeout_ms": 100}), pack(60000)))
    assert late.startswith("DEADLINE_EXCEEDED"), late
    bad = error_of(lambda: r.execute_command("ADD", b"\xc1" + pack({"timeout_ms": "soon"}), pack(1), pack(2)))
    assert bad.startswith('INVALID_CONTEXT "timeout_ms must be an integer'), bad
    json_context = b'\xc1{"timeout_ms":5000,"meta":{"tenant":"acme"}}'
    expect(r.execute_command("TINO.JSON", "add", json_context, "1", "2"), b"3", "TINO.JSON with a context")
    expect(unpack(r.execute_command("ADD", pack(1), pack(1))), 2, "the connection is still usable")


globals()[sys.argv[2]]()
print("ok")
