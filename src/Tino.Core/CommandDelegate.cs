namespace Tino;

/// <summary>One stage of a command's pipeline: runs the call described by the context and writes its reply.</summary>
public delegate ValueTask CommandDelegate(CommandContext context);

/// <summary>
/// A middleware: wraps the rest of the pipeline. It is folded once per command when the app is built.
/// It runs after the auth check and argument decoding, before the handler; exceptions it throws
/// reply as a handler's would.
/// </summary>
public delegate CommandDelegate CommandMiddleware(CommandDelegate next);
