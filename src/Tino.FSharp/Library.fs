/// The F# front of Tino: the `tino { }` computation expression arrives with its own issue.
namespace Tino.FSharp
