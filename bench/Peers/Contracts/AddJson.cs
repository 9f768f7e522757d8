// The JSON contract of the HTTP peer's POST /add, compiled into the server (bench/Peers/HttpPeer) and the
// load client (bench/ClientLoad) alike, as a shared .proto is for gRPC.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tino.Bench.Peers.Contracts;

/// <summary>The body of POST /add: <c>{"a":1,"b":2}</c>.</summary>
public sealed record AddRequest(int A, int B);

/// <summary>The reply of POST /add: <c>{"sum":3}</c>.</summary>
public sealed record AddReply(long Sum);

// Source-generated (de)serialization, as System.Text.Json's docs recommend for speed: no reflection and no
// runtime-built metadata on the first call. The Web defaults (camelCase, case-insensitive reads) equal the
// options ASP.NET Core uses for minimal APIs, so the generated fast-path serializer applies to them too.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AddRequest))]
[JsonSerializable(typeof(AddReply))]
public sealed partial class AddJsonContext : JsonSerializerContext;
