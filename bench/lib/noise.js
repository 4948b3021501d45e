'use strict';
// Where the machine's CPU went during a scenario, to state the noise next to the figures. Every
// second the CPU time of every process (/proc/<pid>/stat, read-only) is read and its growth is
// booked to: "bench" (the apps, wrk and the bare server the bench started, and the bench itself),
// "Redis", "PostgreSQL" (every postgres process: ours and anyone else's) and "other" (everything
// else, plus what no sample saw: processes shorter than a second, the kernel). The machine's busy
// time comes from /proc/stat. Percentages are of the whole machine (elapsed time x CPUs).

const fs = require('node:fs');
const os = require('node:os');
const { ownPids, ticksPerSecond } = require('./proc');
const { cpuTimes } = require('./machine');

function readProcs() {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      out.push({ pid: Number(name), comm, ticks: Number(f[11]) + Number(f[12]), start: Number(f[19]) });
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

const uptimeTicks = () => Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * ticksPerSecond();

class CpuAccount {
  start() {
    this.t0 = Date.now();
    this.since = uptimeTicks();
    this.machine0 = cpuTimes();
    this.last = new Map();
    this.booked = { bench: 0, redis: 0, postgres: 0, other: 0 };
    for (const p of readProcs()) this.last.set(`${p.pid}:${p.start}`, p.ticks);
    this.timer = setInterval(() => this.sample(), 1_000);
    this.timer.unref();
    return this;
  }

  sample() {
    const own = ownPids();
    for (const p of readProcs()) {
      const key = `${p.pid}:${p.start}`;
      const prev = this.last.get(key) ?? (p.start >= this.since ? 0 : p.ticks);
      this.last.set(key, p.ticks);
      const delta = p.ticks - prev;
      if (delta <= 0) continue;
      const cat =
        own.has(p.pid) || p.pid === process.pid
          ? 'bench'
          : p.comm === 'redis-server'
            ? 'redis'
            : p.comm === 'postgres'
              ? 'postgres'
              : 'other';
      this.booked[cat] += delta;
    }
  }

  /** { seconds, busy, bench, redis, postgres, other } in percent of the machine. */
  stop() {
    this.sample();
    clearInterval(this.timer);
    const m1 = cpuTimes();
    const capacity = m1.total - this.machine0.total;
    const busy = m1.busy - this.machine0.busy;
    const pct = (ticks) => (capacity > 0 ? (100 * ticks) / capacity : 0);
    const attributed = this.booked.bench + this.booked.redis + this.booked.postgres + this.booked.other;
    return {
      seconds: (Date.now() - this.t0) / 1000,
      cpus: os.cpus().length,
      busy: pct(busy),
      bench: pct(this.booked.bench),
      redis: pct(this.booked.redis),
      postgres: pct(this.booked.postgres),
      other: pct(this.booked.other + Math.max(0, busy - attributed)),
    };
  }
}

const SERVERS = { postgres: 'postgres', 'redis-server': 'redis' };

/** CPU ticks of every PostgreSQL and Redis process now (for serverCpuSince). */
function serverCpuSnapshot() {
  const ticks = new Map();
  for (const p of readProcs()) if (SERVERS[p.comm]) ticks.set(`${p.pid}:${p.start}`, p.ticks);
  return { ticks, since: uptimeTicks() };
}

/**
 * CPU ms PostgreSQL's and Redis's processes spent since `snapshot` (a backend started meanwhile
 * counts from zero; one that exited meanwhile is missed). Includes other users of the same servers.
 */
function serverCpuSince(snapshot) {
  const spent = { postgres: 0, redis: 0 };
  for (const p of readProcs()) {
    const server = SERVERS[p.comm];
    if (!server) continue;
    const before = snapshot.ticks.get(`${p.pid}:${p.start}`) ?? (p.start >= snapshot.since ? 0 : p.ticks);
    spent[server] += p.ticks - before;
  }
  const ms = (ticks) => (ticks * 1000) / ticksPerSecond();
  return { postgresMs: ms(spent.postgres), redisMs: ms(spent.redis) };
}

const describeNoise = (n) =>
  `machine CPU ${n.busy.toFixed(0)}% busy of ${n.cpus} cores: bench ${n.bench.toFixed(0)}%, Redis ${n.redis.toFixed(0)}%, PostgreSQL ${n.postgres.toFixed(0)}%, other ${n.other.toFixed(0)}%`;

module.exports = { CpuAccount, describeNoise, serverCpuSnapshot, serverCpuSince };
