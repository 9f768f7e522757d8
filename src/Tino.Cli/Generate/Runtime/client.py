class Client:
    """A connection pool to one server (redis-py's); methods are the server's commands, named as on the wire."""

    def __init__(self, host: str = "127.0.0.1", port: int = 7534, password: Optional[str] = None,
                 tls: bool = False, username: Optional[str] = None) -> None:
        self.redis = redis.Redis(host=host, port=port, username=username, password=password, ssl=tls)
        # Replies are MessagePack: none of redis-py's per-command reply parsing applies.
        self.redis.response_callbacks.clear()

    def close(self) -> None:
        self.redis.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def _call(self, command: str, *arguments: bytes) -> Any:
        try:
            reply = self.redis.execute_command(command, *arguments)
        except redis.ResponseError as error:
            raise TinoError.from_reply(str(error)) from None
        return None if reply is None else _unpack(reply)

    def _stream(self, command: str, decode: Callable[[Any], T], *arguments: bytes) -> Iterator[T]:
        # A cursor lives on one connection: the stream keeps one from the pool until it ends or is left.
        connection = self.redis.connection_pool.get_connection(command)
        cursor: Optional[bytes] = None
        try:
            reply = _read(connection, "ITER", command, *arguments)
            while True:
                cursor, items = reply
                for item in items:
                    yield decode(_unpack(item))
                if cursor == b"0":
                    cursor = None
                    return
                reply = _read(connection, "NEXT", cursor, 128)
        finally:
            if cursor is not None and cursor != b"0":
                _read(connection, "CLOSE", cursor)
            self.redis.connection_pool.release(connection)

    def subscribe(self, *channels: str) -> Iterator[Event]:
        """The events published on these channels, as they come; leaving the loop unsubscribes."""
        return self._listen(False, channels)

    def psubscribe(self, *patterns: str) -> Iterator[Event]:
        """The events published on every channel matching these glob patterns."""
        return self._listen(True, patterns)

    def _listen(self, patterns: bool, names: Tuple[str, ...]) -> Iterator[Event]:
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        try:
            (pubsub.psubscribe if patterns else pubsub.subscribe)(*names)
            for message in pubsub.listen():
                if message["type"] in ("message", "pmessage"):
                    pattern = message["pattern"]
                    yield Event(message["channel"].decode(), _unpack(message["data"]), pattern.decode() if pattern else None)
        finally:
            pubsub.close()
