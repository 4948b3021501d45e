#!/usr/bin/env node
// `npm run bench`: the measuring instrument of lever-assess (docs/performance.md). Runs each
// scenario against the built apps (dist/apps, `npm run build` first) as processes, on a throwaway
// database and Redis prefix per scenario, and prints the figures with the machine's noise.
//
//   npm run bench                               every scenario (12-15 minutes)
//   npm run bench -- --only fairness,ingest     some of them, in the order given
//   npm run bench -- --quick                    smaller loads (a few minutes)
//   npm run bench -- --no-wait                  start each scenario at once (by default it waits up
//                                               to 60 s for a 3 s window with the machine <= 25% busy)
//   BENCH_APP_LEVER_RATE_PER_SECOND=10 npm run bench   an app setting (BENCH_APP_<NAME> -> <NAME>)
//   BENCH_DIST=/other/dist/apps BENCH_CODE="commit abc" npm run bench   other bundles (e.g. an older build)
//   BENCH_RESULTS=/tmp/figures.json npm run bench   where the figures go as JSON (default: the run's log folder)
//   npm run bench:ab -- --a <bundles> --b <bundles> -- --only ingest   two builds, alternating (bench/ab.js)
//
// App logs: .run/bench/<run>/<scenario>-<app>.log (LOG_LEVEL=warn).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const cleanup = require('./lib/cleanup');
const { busyPercent, cpuTimes, describe, effectiveLimiter, loadavg } = require('./lib/machine');
const { CpuAccount, describeNoise } = require('./lib/noise');
const { ROOT, setDist } = require('./lib/proc');
const report = require('./lib/report');
const { appEnvOverrides, sweepStale } = require('./lib/stack');
const { fileStamp, sleep } = require('./lib/util');

const SCENARIOS = ['fairness', 'budget', 'throughput', 'ingest', 'scaleout', 'rss'];
const { line } = report;

/**
 * Before a scenario: waits (at most `maxMs`) for a 3 s window in which the machine is at most
 * `threshold`% busy, so a scenario does not start in the middle of someone else's burst of work.
 */
async function waitCalm({ maxMs = 60_000, windowMs = 3_000, threshold = 25 } = {}) {
  const t0 = Date.now();
  for (;;) {
    const a = cpuTimes();
    await sleep(windowMs);
    const busy = busyPercent(a, cpuTimes());
    if (busy <= threshold || Date.now() - t0 >= maxMs) return { waited: (Date.now() - t0) / 1000, busy, calm: busy <= threshold };
  }
}

function parseArgs(argv) {
  const opts = { only: SCENARIOS, quick: false, wait: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--no-wait') opts.wait = false;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a.includes('=') ? a.slice(7) : argv[++i];
      opts.only = (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: npm run bench [-- --only ${SCENARIOS.join(',')}] [--quick] [--no-wait]\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  const unknown = opts.only.filter((s) => !SCENARIOS.includes(s));
  if (unknown.length || !opts.only.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  return opts;
}

/** Set on Ctrl-C / SIGTERM: the clean-up in progress; it ends the process. */
let interrupted = null;
function onSignal(signal) {
  if (interrupted) {
    process.stderr.write(`\n${signal} again: exiting without finishing the clean-up\n`);
    process.exit(130);
  }
  process.stderr.write(`\n${signal}: stopping the apps, dropping the databases and Redis keys ...\n`);
  interrupted = cleanup.runAll().then(() => {
    process.stderr.write('clean-up done\n');
    process.exit(130);
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const source = path.resolve(process.env.BENCH_DIST ?? path.join(ROOT, 'dist', 'apps'));
  const m = describe(source);
  if (m.missing.length) throw new Error(`missing bundles in ${source}: ${m.missing.join(', ')}; run \`npm run build\` first`);
  const logDir = path.join(ROOT, '.run', 'bench', `${fileStamp()}-${process.pid}`);
  fs.mkdirSync(logDir, { recursive: true });
  // The bundles are copied first, so a rebuild during the run (others work on the same tree) cannot
  // mix two builds. Under ROOT, so the copies still find ROOT/node_modules.
  const dist = path.join(logDir, 'dist');
  fs.cpSync(source, dist, { recursive: true, filter: (src) => !src.endsWith('.map') });
  setDist(dist);
  cleanup.register('the copy of the bundles', () => fs.rmSync(dist, { recursive: true, force: true }));
  const appEnv = appEnvOverrides();
  const limiter = effectiveLimiter(appEnv);
  const swept = await sweepStale();

  line(`lever-assess bench${opts.quick ? ' (--quick)' : ''}: ${opts.only.join(', ')}`);
  line(`  machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memGb} GB RAM, ${m.kernel}, node ${m.node}, ${m.wrk}`);
  const code = process.env.BENCH_CODE ?? `git ${m.git}`;
  line(`  code: ${code}; bundles ${path.relative(ROOT, source) || source} built ${m.bundles} (copied for the run)`);
  line(
    `  product Lever limiter: ${limiter}${Object.keys(appEnv).length ? `; app settings from BENCH_APP_*: ${Object.keys(appEnv).join(', ')}` : ''}`,
  );
  line(`  noise at start: load average ${loadavg()} (1/5/15 min); Redis and PostgreSQL shared with anything else on the machine`);
  if (swept.databases || swept.keys)
    line(`  removed leftovers of killed bench runs: ${swept.databases} database(s), ${swept.keys} Redis key(s)`);
  line(`  app logs: ${path.relative(ROOT, logDir)}/`);

  const whole = new CpuAccount().start();
  let failed = 0;
  for (const name of opts.only) {
    const scenario = require(`./scenarios/${name}`);
    line('');
    const calm = opts.wait ? await waitCalm() : null;
    const before = calm
      ? `; machine ${calm.busy.toFixed(0)}% busy just before${calm.calm ? '' : ' (still busy after waiting 60 s: expect noise)'}, waited ${calm.waited.toFixed(0)} s`
      : '';
    line(`== ${scenario.title} ==  (load average ${loadavg()} at start${before})`);
    const account = new CpuAccount().start();
    const keep = cleanup.pending();
    try {
      await scenario.run({ quick: opts.quick, logDir, limiter });
    } catch (err) {
      if (interrupted) await interrupted; // exits
      failed++;
      line(`  FAILED: ${err.message}`);
      if (process.env.BENCH_DEBUG) process.stderr.write(`${err.stack}\n`);
    } finally {
      await cleanup.runAll(keep);
    }
    if (interrupted) await interrupted; // exits
    const noise = account.stop();
    line(`  (${name}: ${noise.seconds.toFixed(0)} s; ${describeNoise(noise)}; load average ${loadavg()})`);
  }

  report.printTargets();
  // For a program comparing runs (bench/ab.js); a normal run keeps its figures next to its logs.
  const results = path.resolve(process.env.BENCH_RESULTS ?? path.join(logDir, 'targets.json'));
  report.writeTargets(results, { code, bundles: source, quick: opts.quick, scenarios: opts.only, failed });
  line('');
  line(`figures as JSON: ${path.relative(ROOT, results)}`);
  line(`noise at end: load average ${loadavg()} (1/5/15 min)`);
  line(`  over the run: ${describeNoise(whole.stop())}`);
  line('  ("other" is work outside the bench, Redis and PostgreSQL: noise; PostgreSQL includes other users of the server)');
  line(`total ${((Date.now() - report.started) / 1000).toFixed(0)} s${failed ? `; ${failed} scenario(s) FAILED` : ''}`);
  await cleanup.runAll();
  // Idle keep-alive sockets and timers of the HTTP clients would hold the process a while longer.
  process.exit(failed ? 1 : 0);
}

main().catch(async (err) => {
  if (interrupted) await interrupted; // exits
  process.stderr.write(`bench failed: ${err.message}\n`);
  if (process.env.BENCH_DEBUG) process.stderr.write(`${err.stack}\n`);
  await cleanup.runAll();
  process.exit(1);
});
