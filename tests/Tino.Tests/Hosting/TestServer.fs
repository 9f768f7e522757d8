module Tino.Tests.Hosting.TestServer
