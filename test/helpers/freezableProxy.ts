import net from 'node:net';

export interface FreezableProxy {
  port: number;
  /** Connections opened through the proxy so far. */
  connections: number;
  /**
   * Open connections stop carrying bytes in either direction but stay open, like a NAT that forgot
   * them: the classic dead IDLE. New connections pass normally.
   */
  freezeOpenConnections(): void;
  close(): Promise<void>;
}

/** A loopback TCP relay to `targetPort`. */
export async function startFreezableProxy(targetPort: number): Promise<FreezableProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; frozen: boolean }>();
  const server = net.createServer((client) => {
    const pair = { client, upstream: net.connect(targetPort, '127.0.0.1'), frozen: false };
    pairs.add(pair);
    proxy.connections++;
    pair.client.on('data', (data) => pair.frozen || pair.upstream.write(data));
    pair.upstream.on('data', (data) => pair.frozen || pair.client.write(data));
    const end = () => {
      pair.client.destroy();
      pair.upstream.destroy();
      pairs.delete(pair);
    };
    for (const socket of [pair.client, pair.upstream]) {
      socket.on('close', () => pair.frozen || end());
      socket.on('error', () => pair.frozen || end());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: FreezableProxy = {
    port: (server.address() as net.AddressInfo).port,
    connections: 0,
    freezeOpenConnections() {
      for (const pair of pairs) pair.frozen = true;
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
