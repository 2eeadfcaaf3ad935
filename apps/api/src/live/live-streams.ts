import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { CONFIG, Config, JsonLogger, LOGGER, METRICS } from '@sitrep/platform';
import { FastifyReply } from 'fastify';
import { once } from 'node:events';
import { Gauge, Registry } from 'prom-client';
import { Problem, unavailable } from '../http/problem';
import { GetDistrictQuery } from '../queries/districts.queries';
import { DistrictChangesReader } from './district-changes.reader';
import { DistrictStream } from './district-stream';
import { ProjectionListener } from './projection-listener';
import { StreamPosition } from './stream-position';

const RETRY_AFTER_SECONDS = 5;

interface Open {
  readonly keyId: string;
  readonly end: () => void;
}

/**
 * The live streams of this API process: at most STREAM_MAX_PER_KEY per API key and
 * STREAM_MAX_STREAMS in all (`429`/`503` problems beyond), each a Server-Sent Events response fed
 * by a DistrictStream, woken by the one ProjectionListener, with a heartbeat comment every
 * STREAM_HEARTBEAT_MS. Ended when the client goes, or when the app shuts down.
 */
@Injectable()
export class LiveStreams implements OnModuleDestroy {
  private readonly open = new Set<Open>();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: JsonLogger,
    private readonly listener: ProjectionListener,
    private readonly changes: DistrictChangesReader,
    private readonly queries: QueryBus,
    @Inject(METRICS) registry: Registry,
  ) {
    const open = this.open;
    new Gauge({
      name: 'sitrep_live_streams',
      help: 'Live streams (GET /v1/stream) open on this API process',
      registers: [registry],
      collect() {
        this.set(open.size);
      },
    });
  }

  get count(): number {
    return this.open.size;
  }

  /** Check the limits (throws a problem), then take over the reply and stream until it ends. */
  async serve(
    keyId: string,
    reply: FastifyReply,
    options: { readonly province?: string; readonly from?: StreamPosition },
  ): Promise<void> {
    const mine = [...this.open].filter((s) => s.keyId === keyId).length;
    if (mine >= this.config.streamMaxPerKey)
      throw new Problem(
        429,
        'Too many requests',
        `this key has ${mine} live streams open here, the most allowed (STREAM_MAX_PER_KEY); close one first`,
        { retryAfter: RETRY_AFTER_SECONDS },
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    if (this.open.size >= this.config.streamMaxStreams)
      throw unavailable(
        'this API process serves as many live streams as it may (STREAM_MAX_STREAMS); try again later or another instance',
        RETRY_AFTER_SECONDS,
      );

    const raw = reply.raw;
    let ended = false;
    let hijacked = false;
    // What the stream writes before the headers go (its opening) waits here.
    let early: string[] | undefined = [];
    const write = async (chunk: string): Promise<void> => {
      if (ended) return;
      if (early) early.push(chunk);
      else if (!raw.write(chunk) && !ended) await once(raw, 'drain');
    };
    const stream = new DistrictStream(
      {
        page: (after, province, limit) => this.changes.page(after, province, limit),
        document: (pcode) =>
          this.queries.execute(new GetDistrictQuery(pcode, { axis: 'recorded' })),
        write,
        onError: (error) =>
          this.logger.write('warn', 'live stream could not read changes; retrying', {
            error: error.message,
          }),
      },
      options.province,
      options.from,
    );
    // Subscribe before reading where to start: nothing committed in between is missed.
    const unsubscribe = this.listener.subscribe(() => stream.wake());
    const heartbeat = setInterval(() => {
      if (!raw.writableNeedDrain) void write(': heartbeat\n\n');
    }, this.config.streamHeartbeatMs);
    const entry: Open = {
      keyId,
      end: () => {
        if (ended) return;
        ended = true;
        stream.close();
        unsubscribe();
        clearInterval(heartbeat);
        this.open.delete(entry);
        if (!hijacked) return; // the error filter answers
        raw.emit('drain'); // release a write waiting for it
        if (!raw.writableEnded) raw.end();
      },
    };
    this.open.add(entry);
    try {
      await stream.open();
    } catch (error) {
      entry.end();
      throw error;
    }
    reply.hijack();
    hijacked = true;
    raw.socket?.setTimeout(0); // heartbeats keep it alive; a gone client fails a write
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(early.join(''));
    early = undefined;
    raw.on('close', entry.end);
    raw.on('error', entry.end);
    if (!raw.socket || raw.socket.destroyed) entry.end(); // gone while the stream opened
  }

  onModuleDestroy(): void {
    for (const stream of [...this.open]) stream.end();
  }
}
