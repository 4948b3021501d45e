#!/usr/bin/env node
// Summarises a whole-machine `perf record` taken during a bench scenario: for each busy process
// (the apps named from their JIT maps), where its CPU went over its busiest window, by kind
// (optimised JS, V8's compiler, the collector, IC builtins, the kernel, ...) and by symbol.
//
// Unlike V8's --cpu-prof on this VM, perf samples CPU time, not wall time: a process that waits
// for a core after a socket write is not sampled, and every thread counts (V8 compiles and marks on
// threads of its own, which --cpu-prof does not see).
//
//   perf record -a -F 499 -o /tmp/perf.data -- sleep 60 &
//   BENCH_NODE_ARGS="--perf-basic-prof" npm run bench -- --only throughput
//   node bench/perf-summary.js /tmp/perf.data [--window 5] [--top 15] [--from T --to T]
//
// --perf-basic-prof makes each app write /tmp/perf-<pid>.map, which names its JIT code (and here,
// its app). --from/--to take perf's own timestamps (seconds) instead of the busiest window.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : fallback;
};
const windowSeconds = option('--window', 5);
const top = option('--top', 15);
const from = option('--from', undefined);
const to = option('--to', undefined);
const file = args[0];
if (!file || !fs.existsSync(file)) {
  process.stderr.write('usage: node bench/perf-summary.js PERF_DATA [--window S] [--top N] [--from T --to T]\n');
  process.exit(2);
}
process.stdout.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1)); // piped into head

/** The kind of code a sample fell in, from its symbol and the object that holds it. */
function kindOf(symbol, dso) {
  if (dso.includes('kernel')) return 'kernel';
  if (dso.includes('JIT') || dso.startsWith('/tmp/perf-')) {
    // V8's map names each function with its tier: * TurboFan, + Maglev, ^ Sparkplug, ~ interpreted.
    const tier = { '*': 'JS optimised', '+': 'JS optimised', '^': 'JS baseline', '~': 'JS interpreted' }[symbol[3]];
    return tier ?? 'JIT other';
  }
  if (/compiler::|Compile|Maglev|maglev|BytecodeGenerator|Parser::|PreParser/.test(symbol)) return "V8's compiler";
  if (/Scavenge|Marking|MarkCompact|Sweep|Evacuat|Heap::|RememberedSet|ConcurrentMark|MinorGC|GCTracer/.test(symbol)) {
    return 'garbage collector';
  }
  if (symbol.startsWith('Builtins_')) return /IC(_|$|Trampoline)/.test(symbol) ? 'builtins: property access (ICs)' : 'builtins: other';
  if (symbol.startsWith('v8::')) return 'V8 runtime';
  if (/^(node::|uv_|uv__)/.test(symbol)) return 'node and libuv';
  if (/libc|libstdc|ld-linux/.test(dso)) return 'libc';
  return 'other native';
}

/** The app a node process runs, from the JIT map it wrote (its bundle's path), else its command. */
function appOf(pid, comm) {
  const map = `/tmp/perf-${pid}.map`;
  if (!fs.existsSync(map)) return comm;
  const counts = new Map();
  for (const m of fs.readFileSync(map, 'utf8').matchAll(/dist\/(?:apps\/)?([a-z-]+)\/main\.js|bench\/([a-z-]+)\.js/g)) {
    const name = m[1] ?? m[2];
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? comm;
}

const text = execFileSync('perf', ['script', '-i', file, '-G', '-F', 'pid,comm,time,ip,sym,dso'], {
  encoding: 'utf8',
  maxBuffer: 1 << 30,
  stdio: ['ignore', 'pipe', 'ignore'],
});
const samples = [];
for (const line of text.split('\n')) {
  const m = /^\s*(.+?)\s+(\d+)\s+([\d.]+):\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/.exec(line);
  if (m) samples.push({ comm: m[1], pid: m[2], t: Number(m[3]), symbol: m[4], dso: m[5] });
}
if (samples.length === 0) {
  process.stderr.write(`no samples read from ${file}\n`);
  process.exit(1);
}

const byPid = new Map();
for (const s of samples) {
  if (s.pid === '0') continue; // idle
  if (!byPid.has(s.pid)) byPid.set(s.pid, []);
  byPid.get(s.pid).push(s);
}
const pct = (n, total) => ((100 * n) / total).toFixed(1).padStart(5) + '%';
const ranked = [...byPid].sort((a, b) => b[1].length - a[1].length).filter(([, list]) => list.length >= samples.length * 0.01);
console.log(`${samples.length} samples in ${file}; processes with at least 1% of them:`);
for (const [pid, list] of ranked) {
  let chosen = list;
  if (from !== undefined || to !== undefined) {
    chosen = list.filter((s) => s.t >= (from ?? -Infinity) && s.t <= (to ?? Infinity));
  } else {
    // The busiest window of the process's own samples (its load, not its start-up or idle time).
    let best = [0, 0];
    for (let i = 0, j = 0; i < list.length; i++) {
      while (list[i].t - list[j].t > windowSeconds) j++;
      if (i - j + 1 > best[1] - best[0]) best = [j, i + 1];
    }
    chosen = list.slice(best[0], best[1]);
  }
  if (chosen.length < list.length * 0.05 && chosen.length < 50) continue; // idle in the window asked for
  const span = `${chosen[0].t.toFixed(1)}-${chosen[chosen.length - 1].t.toFixed(1)} s`;
  console.log(`\n${appOf(pid, list[0].comm)} (pid ${pid}): ${chosen.length} samples over ${span}`);
  const kinds = new Map();
  const symbols = new Map();
  for (const s of chosen) {
    const kind = kindOf(s.symbol, s.dso);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    const key = `${kind.padEnd(31)} ${s.symbol.slice(0, 110)}`;
    symbols.set(key, (symbols.get(key) ?? 0) + 1);
  }
  for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(n, chosen.length)}  ${kind}`);
  console.log('  hottest symbols:');
  for (const [key, n] of [...symbols].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(n, chosen.length)}  ${key}`);
}
