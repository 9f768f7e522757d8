module Tino.Tests.Pipeline.PipelineTests
