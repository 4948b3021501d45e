import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports for the processes a test starts come from a band below the kernel's ephemeral range. A
 * port the kernel hands out for `listen(0)` comes from the same range as the local ports of
 * outgoing connections, so any test's PostgreSQL, Redis or HTTP client could take it between the
 * pick and the app's listen (an EADDRINUSE in CI, 3 December 2026). Each Jest worker walks a slice
 * of its own, so two workers never offer the same port, and a worker offers a port again only
 * after walking its whole slice.
 */
const BAND_START = 20_000;
const SLICE = 1_000;
const SLICES = 12; // 20000-31999: below Linux's default ephemeral range, 32768-60999

/** The kernel's ephemeral range, where no test port is picked. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low, high];
  } catch {
    // Not Linux: assume its default.
  }
  return [32_768, 60_999];
}

const [ephemeralLow, ephemeralHigh] = ephemeralRange();
const worker = Number.parseInt(process.env.JEST_WORKER_ID ?? '1', 10) || 1;
const sliceStart = BAND_START + ((worker - 1) % SLICES) * SLICE;
// Where in the slice to start: another run on the same machine starts elsewhere.
let cursor = Math.floor(Math.random() * SLICE);

/** True when nothing listens on `port` (on any address) right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    // No host: the unspecified address (dual-stack where IPv6 is on), so a listener on any address conflicts.
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** The kernel's pick (bind :0, read it, close): the fallback when the whole slice is taken. */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A port that was free a moment ago, outside the ephemeral range, and not offered recently by this worker. */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < SLICE; tried++) {
    const port = sliceStart + (cursor++ % SLICE);
    if (port >= ephemeralLow && port <= ephemeralHigh) continue;
    if (await canListen(port)) return port;
  }
  return kernelPort();
}
