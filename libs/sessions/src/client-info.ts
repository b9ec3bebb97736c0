import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from './sessions.service';

/** Client address (trusted proxies only, see TRUST_PROXY) and user agent of a request. */
export function clientInfo(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' && userAgent.length > 0 ? userAgent : null };
}
