import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens and resolves with the real port (useful with port 0). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes the server and drops keep-alive / hanging sockets so `close()` never waits on clients. */
export function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** `host` as it goes into a URL (IPv6 literals bracketed). */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
