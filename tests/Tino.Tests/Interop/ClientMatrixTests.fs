/// The client matrix against every interop server in the repository.
module Tino.Tests.Interop.ClientMatrixTests

open Expecto

/// Tino.Core's own rendering of the interop surface.
[<Tests>]
let core = ClientMatrix.tests "Tino.Core" Tino.Tests.Hosting.TestApp.create

/// The F# interop server, built with `tino { }`.
[<Tests>]
let fsharp = ClientMatrix.tests "F#" Tino.Samples.InteropServer.InteropApp.create

/// The C# interop server, built with the fluent builder.
[<Tests>]
let csharp = ClientMatrix.tests "C#" Tino.Samples.InteropServer.CSharp.InteropApp.Create
