using System.Collections.Immutable;

namespace Tino;

/// <summary>How server events are delivered (PROTOCOL.md section 6a).</summary>
/// <example><code>options with { Events = new EventOptions { AuthRequiredChannels = ["orders.*"] } }</code></example>
public sealed record EventOptions
{
    /// <summary>The defaults: 64 MiB queued per subscriber, no channel needs auth.</summary>
    public static EventOptions Default { get; } = new();

    /// <summary>
    /// The most bytes of events queued for one subscriber that does not keep up; past it the subscriber's connection
    /// is dropped, with a log line, and publishing to everyone else goes on unaffected. Default 64 MiB.
    /// </summary>
    public long MaxQueuedBytesPerSubscriber { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Channels that only an authenticated connection may receive, as Redis glob patterns (<c>*</c>, <c>?</c>,
    /// <c>[a-z]</c>, <c>\</c>). <c>SUBSCRIBE</c> to such a channel before <c>AUTH</c> replies <c>PERMISSION_DENIED</c>;
    /// a pattern subscription made before <c>AUTH</c> never receives their events.
    /// </summary>
    public ImmutableArray<string> AuthRequiredChannels { get; init; } = [];

    /// <summary>
    /// Carries the app's events to the subscribers of its other instances (a Redis server with <c>Tino.Redis</c>); null
    /// (the default): events reach the subscribers of the instance that publishes them only.
    /// </summary>
    public IEventBackplane? Backplane { get; init; }

    /// <summary>Throws when a value cannot work.</summary>
    internal void Check()
    {
        if (MaxQueuedBytesPerSubscriber < 1 || AuthRequiredChannels.IsDefault || AuthRequiredChannels.Any(string.IsNullOrEmpty))
        {
            throw new TinoBuildException(null, "EventOptions: MaxQueuedBytesPerSubscriber must be at least 1, and AuthRequiredChannels patterns not empty.");
        }
    }
}
