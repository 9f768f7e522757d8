namespace Tino.Cli;

/// <summary>What <c>tino bench</c> was asked to do.</summary>
internal sealed record BenchSettings(string Uri, string Command, string[] Arguments, int Connections, int Requests, int Pipeline);
