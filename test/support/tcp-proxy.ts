import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  /**
   * Cuts the database off: every open connection is destroyed at once (to PostgreSQL the client
   * has vanished, so its sessions and their advisory locks end). `refuse`: new connections are
   * refused, like a database that is down; `hang`: they are accepted and never answered, like a
   * network that drops packets.
   */
  cut(mode?: 'refuse' | 'hang'): Promise<void>;
  /** Forwards new connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of the test database: an app connected through it can be cut off from
 * the database (a killed instance, a database restart, a network fault) while the test keeps
 * its own direct connection.
 */
export async function startTcpProxy(databaseUrl: string): Promise<TcpProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let mode: 'forward' | 'refuse' | 'hang' = 'forward';
  let server: Server | undefined;

  const handle = (client: Socket) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (mode === 'hang') return;
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  };

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = createServer(handle);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server!.address() as { port: number }).port));
    });
  const stopListening = () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

  const port = await listen(0);
  return {
    port,
    via(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async cut(next: 'refuse' | 'hang' = 'refuse') {
      mode = next;
      for (const socket of sockets) socket.destroy();
      if (next === 'refuse') await stopListening();
    },
    async restore() {
      if (mode === 'refuse') await listen(port);
      mode = 'forward';
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await stopListening();
    },
  };
}
