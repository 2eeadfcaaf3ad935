/** A raw TCP client for requests fetch cannot make: slow senders, broken HTTP. */
import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server sent. */
  readonly response: string;
  /** Milliseconds from connecting until the server closed the connection (or the test gave up). */
  readonly closedAfterMs: number;
  /** Did the server close the connection (rather than the client giving up)? */
  readonly closedByServer: boolean;
}

/**
 * Connect, send `first`, then `drip` every `intervalMs` (if given) until the server closes the
 * connection or `giveUpMs` passes.
 */
export function rawExchange(
  port: number,
  first: string,
  options: { drip?: string; intervalMs?: number; giveUpMs?: number } = {},
): Promise<RawExchange> {
  const started = Date.now();
  return new Promise((resolve) => {
    let response = '';
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(first);
      if (options.drip !== undefined)
        timer = setInterval(
          () => socket.writable && socket.write(options.drip!),
          options.intervalMs ?? 1000,
        );
    });
    const giveUp = setTimeout(() => finish(false), options.giveUpMs ?? 15_000);
    const finish = (closedByServer: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ response, closedAfterMs: Date.now() - started, closedByServer });
    };
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

/** The status, headers and JSON body of a raw HTTP/1.1 response. */
export function parseRaw(response: string): {
  status: number;
  headers: Record<string, string>;
  body: unknown;
} {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [
      l.slice(0, l.indexOf(':')).toLowerCase(),
      l.slice(l.indexOf(':') + 1).trim(),
    ]),
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = body;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: parsed };
}
