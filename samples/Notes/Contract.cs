namespace Tino.Samples.Notes;

/// <summary>What a client sends to create or change a note.</summary>
public sealed record NoteInput(string Text, bool Completed);

/// <summary>A stored note, owned by the user who created it.</summary>
public sealed record Note(long Id, string Text, bool Completed);

/// <summary>
/// The notes service: every command needs AUTH, and each user sees only their own notes.
/// Mapped with MapService, so the commands are create, read, update, delete, list and all.
/// </summary>
public interface INotes
{
    /// <summary>Stores a new note.</summary>
    Note Create(AuthRequired<string> user, NoteInput note);

    /// <summary>The note with this id, or nil.</summary>
    Note? Read(AuthRequired<string> user, long id);

    /// <summary>Changes a note; nil when there is none with this id.</summary>
    Note? Update(AuthRequired<string> user, long id, NoteInput note);

    /// <summary>Deletes a note; whether there was one.</summary>
    bool Delete(AuthRequired<string> user, long id);

    /// <summary>One page of notes by id, pages counted from 1.</summary>
    Note[] List(AuthRequired<string> user, int page, int pageSize);

    /// <summary>Every note, as a stream.</summary>
    IAsyncEnumerable<Note> All(AuthRequired<string> user, CancellationToken cancellationToken);
}
