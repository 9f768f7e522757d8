class AsyncClient:
    """The same methods for asyncio, on redis.asyncio: `async with AsyncClient(...) as client: await client.add(1, 2)`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 7534, password: Optional[str] = None,
                 tls: bool = False, username: Optional[str] = None) -> None:
        self.redis = redis.asyncio.Redis(host=host, port=port, username=username, password=password, ssl=tls)
        self.redis.response_callbacks.clear()

    async def close(self) -> None:
        await self.redis.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.close()

    async def _call(self, command: str, *arguments: bytes) -> Any:
        try:
            reply = await self.redis.execute_command(command, *arguments)
        except redis.ResponseError as error:
            raise TinoError.from_reply(str(error)) from None
        return None if reply is None else _unpack(reply)

    async def _stream(self, command: str, decode: Callable[[Any], T], *arguments: bytes) -> AsyncIterator[T]:
        connection = await self.redis.connection_pool.get_connection(command)
        cursor: Optional[bytes] = None
        try:
            reply = await _read_async(connection, "ITER", command, *arguments)
            while True:
                cursor, items = reply
                for item in items:
                    yield decode(_unpack(item))
                if cursor == b"0":
                    cursor = None
                    return
                reply = await _read_async(connection, "NEXT", cursor, 128)
        finally:
            if cursor is not None and cursor != b"0":
                await _read_async(connection, "CLOSE", cursor)
            await self.redis.connection_pool.release(connection)

    def subscribe(self, *channels: str) -> AsyncIterator[Event]:
        """The events published on these channels, as they come; leaving the loop unsubscribes."""
        return self._listen(False, channels)

    def psubscribe(self, *patterns: str) -> AsyncIterator[Event]:
        """The events published on every channel matching these glob patterns."""
        return self._listen(True, patterns)

    async def _listen(self, patterns: bool, names: Tuple[str, ...]) -> AsyncIterator[Event]:
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        try:
            await (pubsub.psubscribe if patterns else pubsub.subscribe)(*names)
            async for message in pubsub.listen():
                if message["type"] in ("message", "pmessage"):
                    pattern = message["pattern"]
                    yield Event(message["channel"].decode(), _unpack(message["data"]), pattern.decode() if pattern else None)
        finally:
            await pubsub.reset()
