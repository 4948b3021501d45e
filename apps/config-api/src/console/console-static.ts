import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

export const CONSOLE_PATH = '/console';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Everything the page loads comes from this origin (no CDN, nothing fetched from the internet);
 * no inline script or style, no framing, no referrer (the sign-in link's code is in the fragment,
 * which is never sent anyway).
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * Where the built console is: `CONSOLE_DIR`, else `dist/apps/console` beside this bundle
 * (dist/apps/config-api/main.js), else under the working directory (tests run from source).
 */
export function consoleDir(configured?: string): string {
  if (configured) return resolve(configured);
  const besideBundle = resolve(__dirname, '..', 'console');
  return existsSync(join(besideBundle, 'index.html')) ? besideBundle : resolve(process.cwd(), 'dist/apps/console');
}

/**
 * Serves the console (apps/console, built by `npm run build`) at /console, public like /docs:
 * the files hold no data; every /v1 call the page makes needs the session. Hashed assets are
 * cached for good; every other path under /console answers index.html (the page routes itself).
 * Registered on Fastify directly, after init and before listen, like the OpenAPI UI.
 */
export function setupConsole(app: NestFastifyApplication, dir: string = consoleDir()): void {
  const fastify = app.getHttpAdapter().getInstance();
  const root = resolve(dir);
  fastify.get(CONSOLE_PATH, async (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 302));
  fastify.get(`${CONSOLE_PATH}/*`, async (request, reply) => {
    const wanted = safeDecode((request.params as { '*': string })['*'] ?? '');
    const file = resolve(root, wanted);
    // A path that climbs out of the console's folder is answered like any unknown path.
    const inside = file.startsWith(root + sep) && !wanted.includes('\0');
    if (inside && extname(file) && extname(file) !== '.html') {
      const body = await readFile(file).catch(() => null);
      if (!body) return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
      const immutable = wanted.startsWith('assets/');
      return send(
        reply,
        TYPES[extname(file)] ?? 'application/octet-stream',
        body,
        immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    }
    const index = await readFile(join(root, 'index.html')).catch(() => null);
    if (!index) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built: run `npm run build` (or `npx nx run console:build`), then reload.');
    }
    return send(reply, TYPES['.html'], index, 'no-store');
  });
}

function send(reply: FastifyReply, type: string, body: Buffer, cacheControl: string): FastifyReply {
  return reply.headers(SECURITY_HEADERS).header('cache-control', cacheControl).type(type).send(body);
}

/** A malformed escape (a stray `%`) is a path like any unknown one: index.html, not a 500. */
function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return '';
  }
}
