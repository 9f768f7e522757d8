module Tino.Tests.Protocol.RequestParserTests
