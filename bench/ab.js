#!/usr/bin/env node
// A/B of two builds with the bench. On this machine one run of a scenario moves by 10-20% with the
// machine's speed (docs/performance.md, "The noise"), so a change is judged on alternating runs:
// this runs `bench/run.js` on bundles A and B in the order A B, B A, A B, ... (a machine that
// speeds up or slows down during the comparison weighs on both alike), reads each run's figures
// (BENCH_RESULTS) and prints, per figure, every run's value, each build's median, B's median over
// A's, and in how many of the adjacent pairs B did better where the figure's target says which
// way is better.
//
//   npm run build && cp -r dist/apps /tmp/dist-before      # the bundles to compare against
//   ... change the code, npm run build ...
//   npm run bench:ab -- --a /tmp/dist-before --b dist/apps --a-label before --b-label after --runs 3 -- --only ingest
//
// Everything after `--` goes to bench/run.js (scenarios, --quick, --no-wait); BENCH_* settings in
// the environment reach every run alike. Each run's output: .run/bench-ab/<stamp>/<n>-<label>.log.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { missingBundles } = require('./lib/machine');
const { ROOT } = require('./lib/proc');
const { line, progress } = require('./lib/report');
const { alternate, fileStamp, median, num } = require('./lib/util');

const USAGE =
  'usage: npm run bench:ab -- --a <bundles> --b <bundles> [--a-label A] [--b-label B] [--runs 3] [-- <bench arguments>]\n' +
  '  <bundles>: a dist/apps folder (npm run build); --runs: runs per build (pairs of adjacent runs)\n';

function parseArgs(argv) {
  const opts = { a: null, b: null, aLabel: 'A', bLabel: 'B', runs: 3, bench: [] };
  const value = (i, flag) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      opts.bench = argv.slice(i + 1);
      break;
    }
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    const flag = { '--a': 'a', '--b': 'b', '--a-label': 'aLabel', '--b-label': 'bLabel', '--runs': 'runs' }[arg];
    if (!flag) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    opts[flag] = value(i++, arg);
  }
  if (!opts.a || !opts.b) throw new Error(`--a and --b are required\n${USAGE}`);
  opts.runs = Number(opts.runs);
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error(`--runs must be a whole number >= 1\n${USAGE}`);
  if (opts.aLabel === opts.bLabel) throw new Error('--a-label and --b-label must differ');
  for (const key of ['a', 'b']) {
    opts[key] = path.resolve(opts[key]);
    const missing = missingBundles(opts[key]);
    if (missing.length)
      throw new Error(`--${key} ${opts[key]}: no bundle for ${missing.join(', ')} (a dist/apps folder after npm run build)`);
  }
  return opts;
}

/** The runs in order: pair i is (A, B) for even i and (B, A) for odd i. */
function schedule(opts) {
  const A = { key: 'a', label: opts.aLabel, dist: opts.a };
  const B = { key: 'b', label: opts.bLabel, dist: opts.b };
  return alternate(A, B, opts.runs);
}

let child = null;
let stopping = false;

/** One bench run on one build; resolves with its figures (null when it wrote none). */
function benchRun({ build, n, dir, benchArgs }) {
  const base = path.join(dir, `${n}-${build.label.replace(/[^\w.-]+/g, '_')}`);
  const log = `${base}.log`;
  const results = `${base}.json`;
  const fd = fs.openSync(log, 'a');
  child = spawn(process.execPath, [path.join(__dirname, 'run.js'), ...benchArgs], {
    cwd: ROOT,
    env: { ...process.env, BENCH_DIST: build.dist, BENCH_CODE: `${build.label}: ${build.dist}`, BENCH_RESULTS: results },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      child = null;
      let figures = null;
      try {
        figures = JSON.parse(fs.readFileSync(results, 'utf8'));
      } catch {
        // no figures: the run failed before its summary
      }
      resolve({ code: code ?? signal, figures, log });
    });
  });
}

const fmt = (v) => (v === null || v === undefined ? 'n/a' : num(v, Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2));

/** Per figure: the values of each build in run order, the medians, B / A, and B's wins over the pairs. */
function compare(runs) {
  const figures = new Map();
  runs.forEach((run, index) => {
    for (const t of run.figures?.targets ?? []) {
      if (t.raw === null) continue;
      const id = `${t.scenario}: ${t.label}`;
      if (!figures.has(id)) figures.set(id, { id, way: t.better, byRun: new Array(runs.length).fill(null) });
      figures.get(id).byRun[index] = t.raw;
    }
  });
  return [...figures.values()].map((f) => {
    const values = (key) => runs.map((r, i) => (r.build.key === key ? f.byRun[i] : undefined)).filter((v) => v !== undefined);
    const a = values('a');
    const b = values('b');
    const present = (list) => list.filter((v) => v !== null);
    const [ma, mb] = [median(present(a)), median(present(b))];
    const way = f.way;
    let wins = null;
    if (way) {
      wins = { b: 0, of: 0 };
      for (let i = 0; i + 1 < runs.length; i += 2) {
        const [x, y] = [f.byRun[i], f.byRun[i + 1]];
        if (x === null || y === null) continue;
        const [va, vb] = runs[i].build.key === 'a' ? [x, y] : [y, x];
        wins.of++;
        if (way === 'higher' ? vb > va : vb < va) wins.b++;
      }
    }
    return { ...f, a, b, ma, mb, ratio: ma && mb !== null ? mb / ma : null, wins };
  });
}

function printComparison(rows, opts, runs) {
  line('');
  line(
    `A/B: ${opts.aLabel} (A) against ${opts.bLabel} (B), ${runs.length} runs in the order ${runs.map((r) => r.build.key.toUpperCase()).join(' ')}`,
  );
  if (!rows.length) {
    line('  no figures: every run failed (see the logs)');
    return;
  }
  const cells = rows.map((r) => ({
    id: r.id,
    a: `${r.a.map(fmt).join(' ')} = ${fmt(r.ma)}`,
    b: `${r.b.map(fmt).join(' ')} = ${fmt(r.mb)}`,
    ratio: r.ratio === null ? 'n/a' : num(r.ratio, 3),
    wins: r.wins ? `${r.wins.b} of ${r.wins.of} pairs (${r.way} is better)` : '- (a gauge of the machine, or no better way)',
  }));
  const w = (k, title) => Math.max(title.length, ...cells.map((c) => c[k].length));
  const [wi, wa, wb, wr] = [w('id', 'figure'), w('a', 'A: each run = median'), w('b', 'B: each run = median'), w('ratio', 'B / A')];
  line(
    `  ${'figure'.padEnd(wi)}  ${'A: each run = median'.padEnd(wa)}  ${'B: each run = median'.padEnd(wb)}  ${'B / A'.padStart(wr)}  B better in`,
  );
  for (const c of cells) line(`  ${c.id.padEnd(wi)}  ${c.a.padEnd(wa)}  ${c.b.padEnd(wb)}  ${c.ratio.padStart(wr)}  ${c.wins}`);
  line('  a pair is two adjacent runs, one of each build; a difference that most pairs do not show is within the noise');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dir = path.join(ROOT, '.run', 'bench-ab', `${fileStamp()}-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  const order = schedule(opts);
  line(`lever-assess bench A/B: ${order.length} runs of \`bench/run.js ${opts.bench.join(' ')}\``);
  line(`  A: ${opts.aLabel} = ${path.relative(ROOT, opts.a) || opts.a}`);
  line(`  B: ${opts.bLabel} = ${path.relative(ROOT, opts.b) || opts.b}`);
  line(`  each run's output: ${path.relative(ROOT, dir)}/`);

  // Ctrl-C reaches the bench run as well (same process group) and it cleans up; SIGTERM is passed on.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stopping = true;
      if (child && signal === 'SIGTERM') child.kill('SIGTERM');
      if (!child) process.exit(130);
    });
  }

  const runs = [];
  const started = Date.now();
  for (const [i, build] of order.entries()) {
    const n = i + 1;
    const t0 = Date.now();
    // After the first run, the runs so far say how long the rest will take.
    const left = i ? ` (about ${Math.ceil((((t0 - started) / i) * (order.length - i)) / 60_000)} min left)` : '';
    progress(`run ${n} of ${order.length}: ${build.key.toUpperCase()} (${build.label})${left}`);
    const run = await benchRun({ build, n, dir, benchArgs: opts.bench });
    runs.push({ ...run, build });
    if (stopping) break;
    const seconds = ((Date.now() - t0) / 1000).toFixed(0);
    const judged = (run.figures?.targets ?? []).filter((t) => t.goal !== 'report').map((t) => `${t.scenario}: ${t.label} ${t.value}`);
    const failed = run.code !== 0 || !run.figures;
    line(
      `     ${seconds} s${failed ? `; FAILED (exit ${run.code}), see ${path.relative(ROOT, run.log)}` : ''}${judged.length ? `; ${judged.join('; ')}` : ''}`,
    );
  }
  const rows = compare(runs);
  printComparison(rows, opts, runs);
  const summary = path.join(dir, 'comparison.json');
  fs.writeFileSync(
    summary,
    `${JSON.stringify({ a: opts.a, b: opts.b, aLabel: opts.aLabel, bLabel: opts.bLabel, order: order.map((s) => s.key), rows }, null, 2)}\n`,
  );
  line(`comparison as JSON: ${path.relative(ROOT, summary)}`);
  process.exit(stopping ? 130 : runs.some((r) => r.code !== 0) ? 1 : 0);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`bench:ab: ${err.message}\n`);
    process.exit(2);
  });
}

module.exports = { compare, schedule };
