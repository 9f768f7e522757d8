namespace Tino.Client;

/// <summary>One server event received through a pattern subscription: the channel it was published to, and its value.</summary>
/// <typeparam name="T">The type the event's MessagePack is decoded as.</typeparam>
/// <param name="Channel">The channel the event was published to.</param>
/// <param name="Pattern">The pattern subscribed to that matched the channel.</param>
/// <param name="Value">The event's value.</param>
public readonly record struct TinoEvent<T>(string Channel, string Pattern, T Value);
