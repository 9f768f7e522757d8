using System.Runtime.Serialization;
using MessagePack;
using Tino.Serialization;

// Every record of this assembly is camelCase on the wire unless it or its member says otherwise.
[assembly: WireNaming(WireNaming.CamelCase)]

namespace Tino.CSharp.TestKit;

/// <summary>Named by the assembly's policy: <c>{"firstName": ..., "age": ...}</c>.</summary>
public sealed record Person(string FirstName, int Age);

/// <summary>A type's own policy wins over the assembly's: <c>{"first_name": ...}</c>.</summary>
[WireNaming(WireNaming.SnakeCase)]
public sealed record SnakePerson(string FirstName);

/// <summary>Members renamed one by one, on a positional record's properties: <c>{"n": ..., "t": ...}</c>.</summary>
public sealed record Renamed([property: Key("n")] int Number, [property: DataMember(Name = "t")] string Text);

/// <summary>Declared names kept, whatever the assembly says: <c>{"FirstName": ...}</c>.</summary>
[WireNaming(WireNaming.AsDeclared)]
public sealed record Declared(string FirstName);

/// <summary>Encodes and decodes the records above with Tino's options, for the tests.</summary>
public static class Records
{
    /// <summary>The MessagePack of a value, written by Tino's resolver.</summary>
    public static byte[] Encode<T>(T value) => MessagePackSerializer.Serialize(value, TinoMessagePack.DefaultOptions);

    /// <summary>A value read back by Tino's resolver.</summary>
    public static T Decode<T>(byte[] bytes) => MessagePackSerializer.Deserialize<T>(bytes, TinoMessagePack.DefaultOptions);
}
