/// The interop suite against every interop server in the repository.
module Tino.Tests.Interop.InteropServerTests

open Expecto

/// Tino.Core's own rendering of the interop surface, without the union command only the fronts can express.
[<Tests>]
let core = InteropSuite.tests "Tino.Core" Tino.Tests.Hosting.TestApp.create [ "shape_name" ]

/// The F# interop server, built with `tino { }`.
[<Tests>]
let fsharp = InteropSuite.tests "F#" Tino.Samples.InteropServer.InteropApp.create []

/// The C# interop server, built with the fluent builder.
[<Tests>]
let csharp = InteropSuite.tests "C#" Tino.Samples.InteropServer.CSharp.InteropApp.Create []
