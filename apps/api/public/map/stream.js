/**
 * Live updates. `GET /v1/stream` sends Server-Sent Events (event `district`, data: the district's
 * document; event `reset` when it cannot resume: the view is reloaded; ids are opaque), but EventSource cannot send an Authorization header, so the page reads the stream
 * with fetch() and parses it here. It reconnects with backoff from the last event id it saw; where
 * the API has no stream (404), it polls instead, and tries the stream again now and then.
 */

/** A parser of the SSE wire format: feed it text as it arrives; it calls onEvent per event. */
export function sseParser(onEvent) {
  let buffer = '';
  let data = [];
  let event = '';
  let id = null;
  const dispatch = () => {
    if (data.length > 0) onEvent({ event: event || 'message', data: data.join('\n'), id });
    data = [];
    event = '';
  };
  const line = (text) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return undefined; // a comment: the heartbeat
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    return undefined;
  };
  return (chunk) => {
    buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (!match || (match[0] === '\r' && match.index === buffer.length - 1)) break;
      line(buffer.slice(0, match.index));
      buffer = buffer.slice(match.index + match[0].length);
    }
  };
}

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follow the stream for a province ('' for all): onDocument(message) per `district` event;
 * onMode('live' | 'polling' | 'reconnecting' | 'unauthorised') as things change; poll() is called
 * every pollMs while the API has no stream. Returns a function that stops everything.
 */
export function followDistricts({ province, headers, onDocument, onMode, poll, pollMs = 3000 }) {
  const controller = new AbortController();
  const { signal } = controller;
  let lastEventId = null;

  /** A stream silent this long (no event, no heartbeat) is taken for dead and reopened. */
  const SILENCE_MS = 45_000;

  const connect = async (connection) => {
    const url = new URL('/v1/stream', window.location.origin);
    if (province) url.searchParams.set('province', province);
    if (lastEventId !== null) url.searchParams.set('lastEventId', lastEventId);
    const response = await fetch(url, {
      headers: {
        ...headers(),
        accept: 'text/event-stream',
        ...(lastEventId !== null && { 'last-event-id': lastEventId }),
      },
      signal: connection,
      cache: 'no-store',
    });
    return response;
  };

  const read = async (response, connection) => {
    onMode('live');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let watchdog = setTimeout(() => connection.abort(), SILENCE_MS);
    const feed = sseParser((message) => {
      if (message.id !== null) lastEventId = message.id;
      // The stream could not resume (a rebuilt read model went live, or the changes after our
      // position were pruned): reload what is shown, then follow on from the new id.
      if (message.event === 'reset') {
        poll().catch((error) => console.warn('reloading after a reset failed', error));
        return;
      }
      if (message.event !== 'district') return;
      try {
        onDocument(JSON.parse(message.data));
      } catch (error) {
        console.warn('a stream event that is not JSON was ignored', error);
      }
    });
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        clearTimeout(watchdog);
        watchdog = setTimeout(() => connection.abort(), SILENCE_MS);
        feed(value);
      }
    } finally {
      clearTimeout(watchdog);
    }
  };

  const pollFor = async (ms) => {
    onMode('polling');
    const until = Date.now() + ms;
    while (!signal.aborted && Date.now() < until) {
      await poll().catch((error) => console.warn('polling failed', error));
      await sleep(pollMs, signal);
    }
  };

  (async () => {
    let backoff = 1000;
    while (!signal.aborted) {
      // One connection: aborted when everything stops, or by the watchdog of a silent stream.
      const connection = new AbortController();
      const stop = () => connection.abort();
      signal.addEventListener('abort', stop);
      try {
        const response = await connect(connection.signal);
        if (response.status === 401 || response.status === 403) {
          onMode('unauthorised');
          return;
        }
        if (response.status === 404 || response.status === 405) {
          // No stream on this API: poll, and look for the stream again in a minute.
          await pollFor(60_000);
          continue;
        }
        if (response.ok && response.body) {
          backoff = 1000;
          await read(response, connection);
        }
      } catch (error) {
        if (signal.aborted) return;
        console.warn('the stream broke; reconnecting', error);
      } finally {
        signal.removeEventListener('abort', stop);
      }
      if (signal.aborted) return;
      onMode('reconnecting');
      // Whatever changed while disconnected and is not resumable is picked up by one poll.
      await poll().catch(() => undefined);
      await sleep(backoff + Math.random() * 250, signal);
      backoff = Math.min(backoff * 2, 30_000);
    }
  })();

  return () => controller.abort();
}
