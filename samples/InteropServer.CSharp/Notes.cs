using System.Collections.Concurrent;

namespace Tino.Samples.InteropServer.CSharp;

/// <summary>A note as <c>create_note</c> takes it: <c>{"text": string, "completed": bool}</c>.</summary>
public sealed record NoteInput(string Text, bool Completed);

/// <summary>A stored note: <c>{"id": int, "text": string, "completed": bool}</c>.</summary>
public sealed record Note(int Id, string Text, bool Completed);

/// <summary>The notes commands, mapped with MapService: create_note, read_notes, get_note.</summary>
public interface INotes
{
    /// <summary>Stores a note under the next id (1, 2, 3 ... per store).</summary>
    Note CreateNote(NoteInput note);

    /// <summary>Every note, by id.</summary>
    Note[] ReadNotes();

    /// <summary>The note with this id, or nil.</summary>
    Note? GetNote(int id);
}

/// <summary>Notes kept in memory.</summary>
public sealed class NoteStore : INotes
{
    private readonly ConcurrentDictionary<int, Note> _notes = new();
    private int _lastId;

    /// <inheritdoc />
    public Note CreateNote(NoteInput note)
    {
        var created = new Note(Interlocked.Increment(ref _lastId), note.Text, note.Completed);
        _notes[created.Id] = created;
        return created;
    }

    /// <inheritdoc />
    public Note[] ReadNotes() => [.. _notes.Values.OrderBy(n => n.Id)];

    /// <inheritdoc />
    public Note? GetNote(int id) => _notes.GetValueOrDefault(id);
}
