/**
 * A Server-Sent Events reader for tests, over fetch() with an Authorization header (as the map
 * page reads the stream): keeps every event and comment, and waits for the ones a test expects.
 */
export interface SseEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

export interface SseStream {
  readonly status: number;
  readonly headers: Headers;
  readonly events: SseEvent[];
  readonly comments: string[];
  /** The body, when the answer was not a stream (a problem). */
  readonly body: string | undefined;
  waitFor(predicate: (events: readonly SseEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  waitForComment(prefix: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function openStream(
  baseUrl: string,
  key: string | null,
  options: {
    readonly query?: Record<string, string>;
    readonly headers?: Record<string, string>;
  } = {},
): Promise<SseStream> {
  const url = new URL('/v1/stream', baseUrl);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: {
      accept: 'text/event-stream',
      ...(key !== null && { authorization: `Bearer ${key}` }),
      ...options.headers,
    },
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const streaming = response.headers.get('content-type')?.startsWith('text/event-stream');
  const body = streaming ? undefined : await response.text();
  let failure: Error | undefined;
  if (streaming && response.body) {
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ event, id, data: data.join('\n') });
        }
      }
    })().catch((error: Error) => {
      if (error.name !== 'AbortError') failure = error;
    });
  }
  const waitUntil = async (ok: () => boolean, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (failure) throw failure;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; got events ${JSON.stringify(events.map((e) => [e.event, e.id]))} and comments ${JSON.stringify(comments)}`,
        );
      await sleep(25);
    }
  };
  return {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    body,
    waitFor: (predicate, timeoutMs = 20_000) =>
      waitUntil(() => predicate(events), 'stream events', timeoutMs),
    waitForComment: (prefix, timeoutMs = 10_000) =>
      waitUntil(() => comments.some((c) => c.startsWith(prefix)), `comment ${prefix}`, timeoutMs),
    close: () => abort.abort(),
  };
}

/** The `district` events of a stream, with their data parsed. */
export function districtEvents(events: readonly SseEvent[]) {
  return events
    .filter((e) => e.event === 'district')
    .map(
      (e) =>
        ({ id: e.id, ...JSON.parse(e.data) }) as {
          id: string;
          position: string;
          district: string;
          province: string;
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          document: any;
        },
    );
}
