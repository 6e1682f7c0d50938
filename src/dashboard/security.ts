import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isLoopback } from './options.ts';

/**
 * Sent with every response, the live stream included. The page loads its script and
 * styles from this server only and uses neither inline script nor inline style, so the
 * policy needs no 'unsafe-inline' and no nonce: injected markup could not run.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

export const SESSION_COOKIE = 'fraud_dashboard_session';

export type AccessResult = { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; message: string };

/**
 * Who may read the dashboard. With a token: requests carrying it as a Bearer header,
 * as `?token=`, or as the session cookie set from it (EventSource cannot send headers).
 * Without one (loopback only): requests whose Host names this machine, which stops a
 * web page from reaching the dashboard through DNS rebinding.
 */
export class Access {
  readonly #token: Buffer | undefined;
  readonly #session: string | undefined;

  constructor(token: string | undefined) {
    this.#token = token === undefined ? undefined : Buffer.from(token);
    // The cookie holds a value derived from the token, not the token itself.
    this.#session = token === undefined ? undefined : createHmac('sha256', token).update('fraud-dashboard-session:v1').digest('base64url');
  }

  get required(): boolean {
    return this.#token !== undefined;
  }

  check(headers: IncomingHttpHeaders, queryToken: string | undefined): AccessResult {
    if (this.#token === undefined) {
      return hostIsLocal(headers.host) ? { ok: true, viaQuery: false } : { ok: false, status: 403, message: 'this dashboard answers to local host names only' };
    }
    if (queryToken !== undefined && this.#matchesToken(queryToken)) return { ok: true, viaQuery: true };
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer !== undefined && this.#matchesToken(bearer)) return { ok: true, viaQuery: false };
    const session = cookieValue(headers.cookie, SESSION_COOKIE);
    if (session !== undefined && this.#session !== undefined && safeEqual(Buffer.from(session), Buffer.from(this.#session))) {
      return { ok: true, viaQuery: false };
    }
    return { ok: false, status: 401, message: 'an access token is required: Authorization: Bearer <token>, or open /?token=<token> once' };
  }

  /** The Set-Cookie value after a valid `?token=`: HttpOnly so scripts cannot read it, Strict so other sites cannot send it. */
  sessionCookie(): string {
    return `${SESSION_COOKIE}=${this.#session ?? ''}; Path=/; HttpOnly; SameSite=Strict`;
  }

  #matchesToken(candidate: string): boolean {
    return this.#token !== undefined && safeEqual(Buffer.from(candidate), this.#token);
  }
}

/** Constant time whatever the lengths: both sides are hashed to the same size first. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  const key = 'fraud-dashboard-compare';
  const digestA = createHmac('sha256', key).update(a).digest();
  const digestB = createHmac('sha256', key).update(b).digest();
  return timingSafeEqual(digestA, digestB);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

export function hostIsLocal(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return isLoopback(name);
}

/** Methods that change nothing: the only ones another site's page may trigger. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a state-changing request looks sent by another site's page, or undefined when it
 * does not. Modelled on Go's net/http CrossOriginProtection: browsers label every
 * request with Sec-Fetch-Site, older ones send Origin on POST; a request with neither
 * is not from a browser (curl, a script with the token) and cannot ride on a cookie.
 * `same-site` is refused too: another port of this host is another origin.
 */
export function crossSiteReason(headers: IncomingHttpHeaders): string | undefined {
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string') {
    return site === 'same-origin' || site === 'none' ? undefined : `cross-site request refused (Sec-Fetch-Site: ${site})`;
  }
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  return sameHost(origin, headers.host) ? undefined : 'cross-site request refused (Origin does not match Host)';
}

/** Host of the Origin against the Host header, default ports of the Origin's scheme made explicit on both. */
function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const from = new URL(origin);
    return from.host === new URL(`${from.protocol}//${host}`).host;
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and garbage are never this server
  }
}
