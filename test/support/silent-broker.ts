/** A "broker" that accepts connections and never answers: Kafka requests time out against it. */
import { createServer, Socket } from 'node:net';

export interface SilentBroker {
  /** `host:port`, for KAFKA_BROKERS; there once the spec's tests run. */
  readonly address: string;
}

/** Call in a describe block: listens before its tests, closes after them. */
export function silentBroker(): SilentBroker {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket.on('error', () => undefined)));
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    get address() {
      return `127.0.0.1:${(server.address() as { port: number }).port}`;
    },
  };
}
