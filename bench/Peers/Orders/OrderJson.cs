using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tino.Bench.Orders;

/// <summary>
/// The orders' JSON contract for the HTTP peer and its client: source-generated, so no reflection on any call, with
/// the Web defaults (camelCase, case-insensitive reads) that ASP.NET Core's minimal APIs use.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Order[]))]
public sealed partial class OrderJsonContext : JsonSerializerContext;
