import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { freePort } from './free-port';

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('freePort', () => {
  it('offers distinct ports outside the kernel ephemeral range, each one listenable', async () => {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const ports: number[] = [];
    for (let i = 0; i < 50; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(50);
    expect(ports.filter((port) => port >= low && port <= high)).toEqual([]);
    const servers = await Promise.all(ports.map(listen));
    await Promise.all(servers.map(close));
  });

  it('skips a port that something listens on when its turn comes round again', async () => {
    const held = await freePort();
    const server = await listen(held);
    try {
      // One walk of the worker's slice (1,000 ports) brings the turn back to the held port.
      const offered = new Set<number>();
      for (let i = 0; i < 1_000; i++) offered.add(await freePort());
      expect(offered.has(held)).toBe(false);
    } finally {
      await close(server);
    }
  });
});
