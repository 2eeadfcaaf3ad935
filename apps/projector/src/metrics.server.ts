import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, Config, JsonLogger, LOGGER, METRICS } from '@sitrep/platform';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';

/**
 * The projector has no HTTP API: its metrics get a listener of their own, `GET /metrics` on
 * PROJECTOR_METRICS_HOST:PROJECTOR_METRICS_PORT (port 0: any free port, logged).
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    @Inject(METRICS) private readonly registry: Registry,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {}

  /** The port it listens on (useful with PROJECTOR_METRICS_PORT=0). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (error: Error) =>
          response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
      );
    });
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: Error) =>
        reject(
          new Error(
            `metrics cannot listen on ${this.config.projectorMetricsHost}:${this.config.projectorMetricsPort} (${error.message}); set PROJECTOR_METRICS_PORT to a free port (0: any)`,
          ),
        ),
      );
      server.listen(this.config.projectorMetricsPort, this.config.projectorMetricsHost, resolve);
    });
    this.server = server;
    this.logger.write('info', 'projector metrics listening', {
      url: `http://${this.config.projectorMetricsHost}:${this.port}/metrics`,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  }
}
