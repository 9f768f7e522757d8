module Tino.Tests.Hosting.ServerTests
