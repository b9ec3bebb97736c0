import { Client, type ClientConfig } from 'pg';

/**
 * A `pg` client of its own, connected, for work that must not use the application pool (an
 * advisory-lock session, a replica's lag probe). `onError` takes what the client emits once
 * connected (the server restarting, the network): without a listener Node.js would end the
 * process on that 'error' event. A client that fails to connect is ended before the error is
 * rethrown.
 */
export async function connectPgClient(config: ClientConfig, onError: (error: Error) => void): Promise<Client> {
  const client = new Client(config);
  client.on('error', onError);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}
