/**
 * The analyst's map: a static page (apps/api/public/map), Leaflet from node_modules and the
 * gazetteer's district boundaries, all served by the API itself so that the page works offline
 * (no tiles, fonts or scripts from elsewhere). `GET /` redirects to it. The page holds no key: it
 * asks for one and calls the read API like any client. These routes are public, like /docs.
 */
import fastifyStatic from '@fastify/static';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { gazetteerDir, projectRoot } from '@sitrep/platform';
import { FastifyInstance, FastifyReply } from 'fastify';
import { dirname, join } from 'node:path';

export const MAP_PATH = '/map/';

/** Only this origin's scripts, styles, images and API; no inline script, nothing framed. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function secureHeaders(reply: FastifyReply): void {
  void reply.headers({
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
}

export const mapPublicDir = (): string => join(projectRoot(), 'apps', 'api', 'public', 'map');
const leafletDir = (): string => dirname(require.resolve('leaflet/dist/leaflet.js'));

export async function installMapPage(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  // Swagger UI registered @fastify/static first and decorated the reply; these do not.
  await app.register(fastifyStatic as never, {
    root: mapPublicDir(),
    prefix: MAP_PATH,
    decorateReply: false,
    index: ['index.html'],
    redirect: true,
    setHeaders: secureHeaders,
  });
  await app.register(fastifyStatic as never, {
    root: leafletDir(),
    prefix: `${MAP_PATH}vendor/leaflet/`,
    decorateReply: false,
    allowedPath: (path: string) => /^\/(leaflet\.(js|css)|images\/[\w-]+\.png)$/.test(path),
    setHeaders: secureHeaders,
  });
  // The shipped boundaries (OCHA, see data/gazetteer/SOURCES.md), the file the gazetteer loads from.
  await app.register(fastifyStatic as never, {
    root: gazetteerDir(),
    prefix: `${MAP_PATH}gazetteer/`,
    decorateReply: false,
    allowedPath: (path: string) => path === '/districts.geojson' || path === '/provinces.geojson',
    setHeaders: (reply: FastifyReply) => {
      secureHeaders(reply);
      void reply.header('content-type', 'application/geo+json');
    },
  });
  fastify.get('/', (_request, reply) => reply.redirect(MAP_PATH, 302));
}
