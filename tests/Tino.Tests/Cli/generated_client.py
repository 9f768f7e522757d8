"""Every interop command through a client that `tino generate python` wrote. Usage: generated_client.py <dir> <port>"""
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])
import asyncio  # noqa: E402

from tino_client import AsyncClient, Circle, Client, NoteInput, Note, Rect, TinoError  # noqa: E402

port = int(sys.argv[2])
failures = []


def check(what, got, expected):
    if got != expected:
        failures.append(f"{what}: expected {expected!r}, got {got!r}")


def error_of(call):
    try:
        call()
    except TinoError as error:
        return error.code, error.message
    return None


with Client(port=port, password="tinaspassword") as client:
    check("add", client.add(2147483647, 2147483647), 4294967294)
    check("echo_value", client.echo_value({"a": [1, 2.5, None, True, b"\x00"]}), {"a": [1, 2.5, None, True, b"\x00"]})
    check("concat", client.concat(["a", "b", "c"]), "abc")
    check("create_note", client.create_note(NoteInput(text="first", completed=False)), Note(id=1, text="first", completed=False))
    client.create_note(NoteInput(text="second", completed=True))
    check("read_notes", client.read_notes(), [Note(1, "first", False), Note(2, "second", True)])
    check("get_note", client.get_note(2), Note(2, "second", True))
    check("get_note of nothing", client.get_note(99), None)
    check("whoami", client.whoami(), "tina")
    check("maybe_whoami", client.maybe_whoami(), "tina")
    check("counter", [client.counter(), client.counter()], [1, 2])
    check("fail", error_of(lambda: client.fail("NOT_FOUND", "gone")), ("NOT_FOUND", "gone"))
    check("crash", error_of(client.crash)[0], "UNEXPECTED_ERROR")
    check("sleep", client.sleep(5), 5)
    check("blob", client.blob(300), bytes(i % 251 for i in range(300)))
    check("blob_len", client.blob_len(b"\x01\x02\x03"), 3)
    check("echo_bin", client.echo_bin(b"\x04\x05"), b"\x04\x05")
    check("shape_name, case 0", client.shape_name(Circle(radius=1.5)), "circle 1.5")
    check("shape_name, case 1", client.shape_name(Rect(width=2.0, height=0.1)), "rect 2 0.1")
    check("range, whole", list(client.range(1000)), list(range(1000)))
    taken = []
    for i in client.range(1000000):
        taken.append(i)
        if len(taken) == 5:
            break
    check("range, left early", taken, [0, 1, 2, 3, 4])
    check("the next call after a stream left early", client.add(1, 2), 3)
    check("a wrong argument", error_of(lambda: client.add("x", 1))[0], "VALIDATION_ERROR")

    heard = []
    def listen():
        for event in client.subscribe("news"):
            heard.append(event.value)
            return
    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    deadline = time.time() + 20
    while not heard and time.time() < deadline:
        client.notify("news", "hello")
        time.sleep(0.05)
    check("an event", heard, ["hello"])

with Client(port=port) as anonymous:
    check("whoami without AUTH", error_of(anonymous.whoami)[0], "PERMISSION_DENIED")
    check("maybe_whoami without AUTH", anonymous.maybe_whoami(), None)



async def through_asyncio():
    async with AsyncClient(port=port, password="tinaspassword") as client:
        check("async add", await client.add(1, 2), 3)
        check("async get_note", await client.get_note(1), Note(1, "first", False))
        check("async shape_name", await client.shape_name(Rect(width=2.0, height=0.1)), "rect 2 0.1")
        check("async range", [i async for i in client.range(300)], list(range(300)))
        taken = []
        async for i in client.range(1000000):
            taken.append(i)
            if len(taken) == 3:
                break
        check("async range, left early", taken, [0, 1, 2])
        check("async fail", (await asyncio.gather(client.fail("GONE", "away"), return_exceptions=True))[0].code, "GONE")
        events = client.subscribe("async-news")
        first = asyncio.ensure_future(events.__anext__())
        for _ in range(400):
            if first.done():
                break
            await client.notify("async-news", "hello")
            await asyncio.sleep(0.05)
        check("async event", (await first).value, "hello")
        await events.aclose()

asyncio.run(through_asyncio())
print("\n".join(failures) if failures else "all commands passed")
sys.exit(1 if failures else 0)
