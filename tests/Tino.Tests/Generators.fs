/// Shared FsCheck 3 configuration. Generators live beside the tests that use them;
/// nothing is registered globally (Arb.Register breaks parallel test runs).
module Tino.Tests.Generators

open Expecto
open FsCheck
open FsCheck.FSharp

/// The property configuration every Tino property runs with.
let config = { FsCheckConfig.defaultConfig with maxTest = 300 }

/// A property test with the project's configuration.
let testProp name property = testPropertyWithConfig config name property

/// A property over values drawn from an explicit generator.
let testPropWith name (gen: Gen<'T>) (property: 'T -> unit) =
    testProp name (Prop.forAll (Arb.fromGen gen) property)
