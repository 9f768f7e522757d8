// The C# front of Tino: the fluent builder arrives with its own issue.
