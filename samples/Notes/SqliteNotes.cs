using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Tino.Samples.Notes;

/// <summary>
/// Notes in SQLite. One connection, opened at start-up and closed at shut-down (the app's hooks);
/// SQLite connections are not for concurrent use, so commands take turns on it.
/// </summary>
public sealed class SqliteNotes(string connectionString) : INotes
{
    private readonly Lock _turn = new();
    private SqliteConnection? _database;

    /// <summary>Opens the database, creating the file and the table on first run.</summary>
    public Task OpenAsync(CancellationToken cancellationToken)
    {
        _database = new SqliteConnection(connectionString);
        _database.Open();
        Execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, text TEXT NOT NULL, completed INTEGER NOT NULL)");
        return Task.CompletedTask;
    }

    /// <summary>Closes the database.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
            _database = null;
        }
    }

    /// <inheritdoc />
    public Note Create(AuthRequired<string> user, NoteInput note) =>
        Query("INSERT INTO notes (owner, text, completed) VALUES ($owner, $text, $completed) RETURNING id, text, completed",
            ("$owner", user.Value), ("$text", note.Text), ("$completed", note.Completed))[0];

    /// <inheritdoc />
    public Note? Read(AuthRequired<string> user, long id) =>
        Query("SELECT id, text, completed FROM notes WHERE id = $id AND owner = $owner", ("$id", id), ("$owner", user.Value)).FirstOrDefault();

    /// <inheritdoc />
    public Note? Update(AuthRequired<string> user, long id, NoteInput note) =>
        Query("UPDATE notes SET text = $text, completed = $completed WHERE id = $id AND owner = $owner RETURNING id, text, completed",
            ("$id", id), ("$owner", user.Value), ("$text", note.Text), ("$completed", note.Completed)).FirstOrDefault();

    /// <inheritdoc />
    public bool Delete(AuthRequired<string> user, long id) =>
        Execute("DELETE FROM notes WHERE id = $id AND owner = $owner", ("$id", id), ("$owner", user.Value)) > 0;

    /// <inheritdoc />
    public Note[] List(AuthRequired<string> user, int page, int pageSize)
    {
        if (page < 1 || pageSize is < 1 or > 1000)
        {
            throw new TinoException("BAD_PAGE", "page counts from 1 and a page holds 1 to 1000 notes");
        }
        return Query("SELECT id, text, completed FROM notes WHERE owner = $owner ORDER BY id LIMIT $size OFFSET $skip",
            ("$owner", user.Value), ("$size", pageSize), ("$skip", (page - 1) * pageSize));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Note> All(AuthRequired<string> user, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Page by id so that a long stream never holds the connection while its reader is slow.
        long after = 0;
        while (true)
        {
            var page = Query("SELECT id, text, completed FROM notes WHERE owner = $owner AND id > $after ORDER BY id LIMIT 100",
                ("$owner", user.Value), ("$after", after));
            foreach (var note in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return note;
            }
            if (page.Length < 100)
            {
                yield break;
            }
            after = page[^1].Id;
            await Task.Yield();
        }
    }

    private Note[] Query(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_turn)
        {
            using var command = Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var notes = new List<Note>();
            while (reader.Read())
            {
                notes.Add(new Note(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2) != 0));
            }
            return [.. notes];
        }
    }

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_turn)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
        }
    }

    private SqliteCommand Command(string sql, (string Name, object Value)[] parameters)
    {
        var command = (_database ?? throw new InvalidOperationException("The notes database is not open.")).CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }
}
