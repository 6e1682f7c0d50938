import type { FastifyInstance } from 'fastify';
import { crossSiteReason, SAFE_METHODS, SECURITY_HEADERS, type Access } from './security.ts';

/** Paths open without the token: a load balancer's probe carries none. */
const OPEN_PATHS = new Set(['/healthz']);

/**
 * Security headers on every reply (errors and 404s too) and the access check before any
 * route runs. A valid `?token=` on the page is exchanged for the session cookie and the
 * browser sent back to `/`, so the token leaves the address bar and the history. Any
 * request that may change state must come from this dashboard's own page: the session
 * cookie is sent by the browser whoever wrote the request, so the token alone does not
 * prove the analyst meant it.
 */
export function registerGuard(app: FastifyInstance, access: Access): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });

  app.addHook('onRequest', async (request, reply) => {
    // The matched route, not the raw URL: no spelling of a path can borrow /healthz's exemption.
    const route = request.routeOptions.url;
    if (route !== undefined && OPEN_PATHS.has(route) && access.required) return undefined;
    const query = queryOf(request.url);
    const result = access.check(request.headers, query.get('token') ?? undefined);
    if (!result.ok) {
      if (result.status === 401) reply.header('www-authenticate', 'Bearer realm="fraud-dashboard"');
      return reply.code(result.status).send({ statusCode: result.status, error: result.status === 401 ? 'Unauthorized' : 'Forbidden', message: result.message });
    }
    const crossSite = SAFE_METHODS.has(request.method) ? undefined : crossSiteReason(request.headers);
    if (crossSite !== undefined) return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: crossSite });
    if (result.viaQuery && route === '/' && request.method === 'GET') {
      query.delete('token');
      const rest = query.toString();
      return reply.header('set-cookie', access.sessionCookie()).redirect(rest === '' ? '/' : `/?${rest}`, 303);
    }
    return undefined;
  });
}

function queryOf(url: string): URLSearchParams {
  const start = url.indexOf('?');
  return new URLSearchParams(start < 0 ? '' : url.slice(start + 1));
}
