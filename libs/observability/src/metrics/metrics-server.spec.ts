import { Counter, register } from 'prom-client';
import { startMetricsServer } from './metrics-server';

describe('startMetricsServer', () => {
  const probe = new Counter({ name: 'metrics_server_probe_total', help: 'A counter only this spec uses.' });

  afterAll(() => register.removeSingleMetric('metrics_server_probe_total'));

  it('serves the registry at /metrics and nothing else', async () => {
    probe.inc(3);
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toMatch(/^metrics_server_probe_total 3$/m);
      expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('requires the bearer METRICS_TOKEN when one is set', async () => {
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, token: 'a-long-metrics-token-123' });
    try {
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: 'Bearer a-long-metrics-token-124' } })).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: 'Bearer a-long-metrics-token-123' } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('answers /health/live and /health/ready from its readiness check: 503 naming the problem', async () => {
    let problem: string | null = null;
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, readiness: async () => problem });
    try {
      const ready = await fetch(`http://127.0.0.1:${server.port}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok' });
      problem = 'database 127.0.0.1:5432 unavailable: connect ECONNREFUSED';
      const lost = await fetch(`http://127.0.0.1:${server.port}/health/ready`);
      expect(lost.status).toBe(503);
      expect(await lost.json()).toEqual({ status: 'error', problem });
      expect((await fetch(`http://127.0.0.1:${server.port}/health/live`)).status).toBe(200);
    } finally {
      await server.close();
    }
    // Without a readiness check there are no health routes.
    const plain = await startMetricsServer({ host: '127.0.0.1', port: 0 });
    try {
      expect((await fetch(`http://127.0.0.1:${plain.port}/health/ready`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
