#!/usr/bin/env node
// Summarises V8 .cpuprofile files (from BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"): for each
// file, which app it is, then self time by package (node_modules/<pkg>, the app bundle, node
// internals, GC, idle) and the hottest functions; with --callers NAME, where the self time of the
// functions named NAME came from (the nearest caller outside node's internals and the bundle's
// own frames). Usage: node bench/profile-summary.js DIR|FILE... [--top N] [--callers writev]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args.splice(topIndex, 2)[1]) : 25;
const callersIndex = args.indexOf('--callers');
const callersOf = callersIndex >= 0 ? args.splice(callersIndex, 2)[1] : undefined;
const usage = 'usage: node bench/profile-summary.js DIR|FILE... [--top N] [--callers NAME]\n';
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(usage);
  process.exit(0);
}
if (!Number.isInteger(top) || top < 1) {
  process.stderr.write(`profile-summary: --top takes a whole number >= 1\n${usage}`);
  process.exit(2);
}
if (callersIndex >= 0 && !callersOf) {
  process.stderr.write(`profile-summary: --callers takes a function name\n${usage}`);
  process.exit(2);
}
const unknown = args.find((a) => a.startsWith('-'));
const missing = args.find((a) => !a.startsWith('-') && !fs.existsSync(a));
if (unknown || missing) {
  process.stderr.write(
    unknown ? `profile-summary: unknown option ${unknown}\n${usage}` : `profile-summary: no such file or folder: ${missing}\n`,
  );
  process.exit(2);
}
const files = args.flatMap((a) =>
  fs.statSync(a).isDirectory()
    ? fs
        .readdirSync(a)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(a, f))
    : [a],
);
if (files.length === 0) {
  process.stderr.write(`profile-summary: no .cpuprofile files in ${args.join(' ') || '(nothing given)'}\n${usage}`);
  process.exit(2);
}

function bucketOf(frame) {
  const url = frame.url || '';
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:internal/deps/')) return 'node:' + url.slice(19).split('/')[0];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const app = /dist\/(?:apps\/)?([^/]+)\/main\.js/.exec(url);
  return app ? `app:${app[1]}` : path.basename(url);
}

process.stdout.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1)); // piped into head
const pct = (n, total) => ((100 * n) / total).toFixed(1).padStart(5) + '%';

for (const file of files) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const self = new Map();
  // timeDeltas[i] is the wall time before samples[i]. On a busy machine the process is often
  // descheduled (inside a syscall, typically a socket write that woke Redis or PostgreSQL): the
  // sample after such a gap would carry the whole gap. Capping each delta at twice the usual
  // interval makes the figures CPU time, not time spent waiting for a core.
  const sorted = [...profile.timeDeltas].sort((a, b) => a - b);
  const cap = 2 * (sorted[Math.floor(sorted.length / 2)] || 1000);
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + Math.min(profile.timeDeltas[i] ?? 0, cap)));
  const app = profile.nodes.map((n) => /dist\/(?:apps\/)?([^/]+)\/main\.js/.exec(n.callFrame.url || '')).find(Boolean)?.[1] ?? '?';
  const buckets = new Map();
  const fns = new Map();
  let total = 0;
  let busy = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id).callFrame;
    const bucket = bucketOf(frame);
    total += us;
    if (bucket === '(idle)') continue;
    busy += us;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
    const key = `${frame.functionName || '(anonymous)'} ${bucket}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  process.stdout.write(`\n${path.basename(file)}: ${app}, ${(total / 1e6).toFixed(1)} s sampled, busy ${(busy / 1e6).toFixed(1)} s\n`);
  process.stdout.write('  self time by package (share of busy):\n');
  for (const [b, us] of [...buckets].sort((x, y) => y[1] - x[1]).slice(0, top))
    process.stdout.write(`    ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${b}\n`);
  process.stdout.write('  hottest functions (self):\n');
  for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top))
    process.stdout.write(`    ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${f}\n`);
  if (callersOf) {
    const callers = new Map();
    for (const [id, us] of self) {
      if (byId.get(id).callFrame.functionName !== callersOf) continue;
      // Walk up past node internals to the first package frame, and keep the chain of packages.
      const chain = [];
      for (let p = parentOf.get(id); p !== undefined && chain.length < 3; p = parentOf.get(p)) {
        const bucket = bucketOf(byId.get(p).callFrame);
        if (bucket.startsWith('node:') || bucket.startsWith('(')) continue;
        const f = byId.get(p).callFrame;
        if (chain.length === 0 || chain[chain.length - 1].split(' ')[1] !== bucket)
          chain.push(`${f.functionName || '(anonymous)'} ${bucket}`);
      }
      const key = chain.join(' <- ') || '(node internals only)';
      callers.set(key, (callers.get(key) ?? 0) + us);
    }
    process.stdout.write(`  callers of ${callersOf}:\n`);
    for (const [c, us] of [...callers].sort((x, y) => y[1] - x[1]).slice(0, top))
      process.stdout.write(`    ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${c}\n`);
  }
}
