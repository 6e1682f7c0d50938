import type { IncomingHttpHeaders } from 'node:http';
import { crossSiteReason, hostIsLocal, safeEqual } from '../dashboard/security.ts';

export type ApiAccessResult = { ok: true } | { ok: false; status: 401 | 403; error: string; reason: string };

/**
 * Who may ask for decisions. With a token: requests carrying it as `Authorization:
 * Bearer` (no cookie, no query: the callers are servers). Without one (loopback only):
 * requests whose Host names this machine, which stops a web page from reaching the API
 * through DNS rebinding. Either way a browser page of another site is refused (its
 * Sec-Fetch-Site or Origin says so): a form post could otherwise write a transaction.
 */
export class ApiAccess {
  readonly #token: Buffer | undefined;

  constructor(token: string | undefined) {
    this.#token = token === undefined ? undefined : Buffer.from(token);
  }

  get required(): boolean {
    return this.#token !== undefined;
  }

  check(headers: IncomingHttpHeaders): ApiAccessResult {
    if (this.#token === undefined) {
      if (!hostIsLocal(headers.host)) return { ok: false, status: 403, error: 'FRAUD_API_FORBIDDEN', reason: 'this API answers to local host names only' };
    } else {
      const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
      if (bearer === undefined || !safeEqual(Buffer.from(bearer), this.#token)) {
        return { ok: false, status: 401, error: 'FRAUD_API_UNAUTHORIZED', reason: 'a valid token is required: Authorization: Bearer <token>' };
      }
    }
    const crossSite = crossSiteReason(headers);
    return crossSite === undefined ? { ok: true } : { ok: false, status: 403, error: 'FRAUD_API_FORBIDDEN', reason: crossSite };
  }
}
