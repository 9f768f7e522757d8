/** Options of {@link Client.connect}. */
export interface ClientOptions {
    host?: string;
    port?: number;
    username?: string;
    password?: string;
    tls?: boolean;
}

/** A connection to one server (ioredis'); methods are the server's commands, in camelCase. */
export class Client {
    private constructor(readonly redis: Redis) {}

    /** Connects, and authenticates when given a password. */
    static async connect(options: ClientOptions = {}): Promise<Client> {
        const redis = new Redis({
            host: options.host ?? "127.0.0.1",
            port: options.port ?? 7534,
            username: options.username,
            password: options.password,
            tls: options.tls ? {} : undefined,
            lazyConnect: true,
            maxRetriesPerRequest: 0,
        });
        await redis.connect();
        return new Client(redis);
    }

    async close(): Promise<void> {
        await this.redis.quit();
    }

    private async raw(command: string, ...args: (string | Buffer)[]): Promise<unknown> {
        try {
            return await this.redis.callBuffer(command, ...args);
        } catch (error) {
            throw TinoError.from(error);
        }
    }

    private async call(command: string, ...args: Write[]): Promise<unknown> {
        const reply = (await this.raw(command, ...args.map(pack))) as Buffer | null;
        return reply === null ? null : unpack(reply);
    }

    // A cursor lives on one connection, and a Client has one: ITER, NEXT and CLOSE go on it in order.
    private async *stream<T>(command: string, decodeItem: (value: unknown) => T, ...args: Write[]): AsyncGenerator<T> {
        let [cursor, items] = (await this.raw("ITER", command, ...args.map(pack))) as [Buffer, Buffer[]];
        try {
            while (true) {
                for (const item of items) {
                    yield decodeItem(unpack(item));
                }
                if (cursor.toString() === "0") {
                    return;
                }
                [cursor, items] = (await this.raw("NEXT", cursor, "128")) as [Buffer, Buffer[]];
            }
        } finally {
            if (cursor.toString() !== "0") {
                await this.raw("CLOSE", cursor);
            }
        }
    }

    /** The events published on these channels, as they come; leaving the loop unsubscribes. */
    subscribe(...channels: string[]): AsyncGenerator<TinoEvent> {
        return this.listen(false, channels);
    }

    /** The events published on every channel matching these glob patterns. */
    psubscribe(...patterns: string[]): AsyncGenerator<TinoEvent> {
        return this.listen(true, patterns);
    }

    private async *listen(patterns: boolean, names: string[]): AsyncGenerator<TinoEvent> {
        const subscriber = this.redis.duplicate();
        const queue: TinoEvent[] = [];
        let wake: (() => void) | null = null;
        const arrived = (event: TinoEvent) => {
            queue.push(event);
            wake?.();
        };
        subscriber.on("messageBuffer", (channel: Buffer, data: Buffer) => arrived({ channel: channel.toString(), value: unpack(data) }));
        subscriber.on("pmessageBuffer", (pattern: Buffer, channel: Buffer, data: Buffer) =>
            arrived({ channel: channel.toString(), value: unpack(data), pattern: pattern.toString() }));
        try {
            await subscriber.connect();
            await (patterns ? subscriber.psubscribe(...names) : subscriber.subscribe(...names));
            while (true) {
                const next = queue.shift();
                if (next !== undefined) {
                    yield next;
                } else {
                    await new Promise<void>((resolve) => (wake = resolve));
                    wake = null;
                }
            }
        } finally {
            subscriber.disconnect();
        }
    }
