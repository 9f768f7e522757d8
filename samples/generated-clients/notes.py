"""The notes service (samples/Notes) from Python, through the client `tino generate python` writes:

    dotnet run -c Release --project samples/Notes -- --serve --port 7534
    dotnet run -c Release --project src/Tino.Cli -- generate python redis://127.0.0.1:7534 --module notes_client --out samples/generated-clients
    /usr/bin/python3 samples/generated-clients/notes.py 7534
"""
import sys

from notes_client import Client, NoteInput, TinoError

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7534

with Client(port=port, password="tinaspassword") as notes:
    note = notes.create(NoteInput(text="buy milk", completed=False))
    print("created:", note)
    print("updated:", notes.update(note.id, NoteInput(text="buy oat milk", completed=True)))
    print("first page:", len(notes.list(1, 10)), "notes")
    print("streamed:", sum(1 for _ in notes.all()), "notes")
    print("deleted:", notes.delete(note.id))
    print("read after delete:", notes.read(note.id))

with Client(port=port) as anonymous:
    try:
        anonymous.list(1, 10)
    except TinoError as error:
        print("without AUTH:", error.code)
