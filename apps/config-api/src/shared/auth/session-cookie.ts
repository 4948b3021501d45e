import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The console's session cookie: an opaque random secret, httpOnly, SameSite=Strict. */
export const SESSION_COOKIE = 'la_console_session';
/** The header the console sends on POST/PUT/PATCH/DELETE when it authenticates by cookie. */
export const CSRF_HEADER = 'x-csrf-token';
/** A session lasts this long from sign-in (absolute, not sliding). */
export const SESSION_TTL_MS = 12 * 60 * 60_000;

export const newSessionSecret = () => `ls_${randomBytes(32).toString('base64url')}`;

/**
 * The session's CSRF token: an HMAC of the cookie's secret, so nothing more is stored and a page
 * of another origin cannot compute it (it cannot read the httpOnly cookie, nor, without CORS, the
 * answer of GET /v1/session that carries it).
 */
export const csrfTokenFor = (secret: string) => createHmac('sha256', secret).update('la-console-csrf').digest('base64url');

export function csrfTokenMatches(secret: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const want = Buffer.from(csrfTokenFor(secret));
  const got = Buffer.from(presented);
  return got.length === want.length && timingSafeEqual(got, want);
}

export function readCookie(request: FastifyRequest, name: string): string | null {
  for (const part of String(request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim()) || null;
  }
  return null;
}

/**
 * `Secure` whenever the request came over https (directly or as told by the proxy that ends TLS)
 * and always in production, where the console must be behind https: adding `Secure` only ever
 * narrows where the browser sends the cookie, so trusting X-Forwarded-Proto for it is safe. Plain
 * http on 127.0.0.1 (npm start, tests) gets no `Secure`, or the browser would drop the cookie.
 */
export function cookieIsSecure(request: FastifyRequest, nodeEnv: string): boolean {
  const forwarded = String(request.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    .trim();
  return nodeEnv === 'production' || request.protocol === 'https' || forwarded === 'https';
}

export function setSessionCookie(reply: FastifyReply, secret: string, maxAgeSeconds: number, secure: boolean): void {
  const parts = [`${SESSION_COOKIE}=${secret}`, 'Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict'];
  if (secure) parts.push('Secure');
  void reply.header('set-cookie', parts.join('; '));
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  setSessionCookie(reply, '', 0, secure);
}
