import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeStripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  params: Record<string, string>;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
export type FakeStripeHandler = (request: FakeStripeRequest, count: number) => Answer | undefined;

/**
 * A stand-in for api.stripe.com on loopback, for the stripe package's `host`/`port`/`protocol`
 * options: records every request (form params, Idempotency-Key) and answers with `handler`, or
 * with the default behaviour of the test tokens: a card token becomes `pm_<token>`;
 * `pm_tok_visa` succeeds, `pm_tok_chargeDeclined` and `pm_tok_insufficientFunds` are card
 * errors; refunds succeed. Like Stripe, a repeated Idempotency-Key gets the first answer.
 */
export async function startFakeStripe(handler: FakeStripeHandler = () => undefined): Promise<{ url: string; requests: FakeStripeRequest[]; close(): Promise<void> }> {
  const requests: FakeStripeRequest[] = [];
  const byKey = new Map<string, Answer>();
  let intents = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(text));
      const key = req.headers['idempotency-key'] as string | undefined;
      const request: FakeStripeRequest = { method: req.method ?? '', path: (req.url ?? '').split('?')[0], idempotencyKey: key, authorization: req.headers.authorization, params };
      requests.push(request);
      const replay = key ? byKey.get(`${request.path}:${key}`) : undefined;
      const answer = replay ?? handler(request, requests.length) ?? defaults(request, ++intents);
      if (key && answer.status < 500) byKey.set(`${request.path}:${key}`, answer);
      res.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': `req_${requests.length}`, ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function defaults(request: FakeStripeRequest, n: number): Answer {
  if (request.path === '/v1/payment_methods') return { status: 200, body: { id: `pm_${request.params['card[token]']}`, object: 'payment_method', type: 'card' } };
  if (request.path === '/v1/payment_intents') {
    const id = `pi_fake_${n}`;
    const method = request.params.payment_method;
    if (method === 'pm_tok_visa') return { status: 200, body: { id, object: 'payment_intent', status: 'succeeded', amount: Number(request.params.amount), currency: request.params.currency } };
    const decline = method === 'pm_tok_insufficientFunds' ? 'insufficient_funds' : 'generic_decline';
    return {
      status: 402,
      body: { error: { type: 'card_error', code: 'card_declined', decline_code: decline, message: `Your card was declined (${decline}).`, payment_intent: { id, object: 'payment_intent', status: 'requires_payment_method' } } },
    };
  }
  if (request.path === '/v1/refunds') return { status: 200, body: { id: `re_fake_${n}`, object: 'refund', amount: Number(request.params.amount), payment_intent: request.params.payment_intent, status: 'succeeded' } };
  return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${request.method}: ${request.path})` } } };
}
