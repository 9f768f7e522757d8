module Tino.Tests.Protocol.ReplyTests
