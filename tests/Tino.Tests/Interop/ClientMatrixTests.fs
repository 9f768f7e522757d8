/// The client matrix against every interop server in the repository.
module Tino.Tests.Interop.ClientMatrixTests

open Expecto

/// Tino.Core's own rendering of the interop surface.
[<Tests>]
let core = ClientMatrix.tests "Tino.Core" Tino.Tests.Hosting.TestApp.create
