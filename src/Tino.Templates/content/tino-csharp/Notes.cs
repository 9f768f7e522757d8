namespace MyService;

/// <summary>A note; on the wire a map, its members in snake case: {"id": 1, "text": "buy milk"}.</summary>
public sealed record Note(int Id, string Text);

/// <summary>Every method is a command, named in snake_case without Async: create_note, get_note.</summary>
public interface INotes
{
    Note CreateNote(string text);

    Note? GetNote(int id);
}

/// <summary>Notes in memory, shared by every connection (a singleton in the container).</summary>
public sealed class InMemoryNotes : INotes
{
    private readonly List<Note> _notes = [];

    public Note CreateNote(string text)
    {
        lock (_notes)
        {
            var note = new Note(_notes.Count + 1, text);
            _notes.Add(note);
            return note;
        }
    }

    public Note? GetNote(int id)
    {
        lock (_notes)
        {
            return id >= 1 && id <= _notes.Count ? _notes[id - 1] : null;
        }
    }
}
