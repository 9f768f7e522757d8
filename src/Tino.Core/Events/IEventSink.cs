namespace Tino.Events;

/// <summary>Where a subscription's events go: a subscribed connection's queue.</summary>
internal interface IEventSink
{
    /// <summary>
    /// Queues one frame (<c>message</c> or <c>pmessage</c>, ready to write) for <paramref name="subscription"/>.
    /// Never blocks; false when the subscriber is gone or was just dropped for falling behind.
    /// </summary>
    bool TryDeliver(EventSubscription subscription, byte[] frame);
}
