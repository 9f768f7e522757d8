module Tino.Tests.Interop.RealClientTests
