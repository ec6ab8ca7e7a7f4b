import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'otklik_ops_session';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares the SHA-256 digests of both, in constant time: the digests always have the same length, so
 * neither the secret's length nor where a guess first differs shows in the time taken.
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

/**
 * The cookie's value: derived from the token, not the token itself, so a leaked cookie (a proxy log, a
 * browser profile) does not give away the secret scripts use, and a new token ends every session.
 */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('otklik-ops-session-v1').digest('base64url');
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * The session cookie (browsers, EventSource included) or `Authorization: Bearer <token>` (scripts).
 * The token in a query string is not accepted here: it would end up in logs and in the history.
 */
export function authorised(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return sameSecret(bearer.trim(), token);
  const cookie = cookieOf(req, SESSION_COOKIE);
  return cookie !== undefined && sameSecret(cookie, sessionValue(token));
}

/** Whether the request came over TLS, here or (by its header) at a proxy in front. */
function overTls(req: IncomingMessage): boolean {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim()
    .toLowerCase();
  return encrypted || forwarded === 'https';
}

/** Set-Cookie for a session: not readable by scripts, never sent by another site's page. */
export function sessionCookie(req: IncomingMessage, token: string): string {
  const attributes = ['HttpOnly', 'SameSite=Strict', 'Path=/', ...(overTls(req) ? ['Secure'] : [])];
  return `${SESSION_COOKIE}=${sessionValue(token)}; ${attributes.join('; ')}`;
}
