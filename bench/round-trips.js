#!/usr/bin/env node
// Counts each app's round trips under a bench load: SQL statements (pg), Redis commands (ioredis,
// scripts by their SHA's first 8 hex digits) and outgoing HTTP requests. Two uses:
//
//   BENCH_NODE_ARGS="--require $PWD/bench/round-trips.js" npm run bench -- --only throughput
//       as a preload: every app the bench starts writes .run/round-trips/<app>-<pid>.json when
//       it stops (the bench gives its apps a clean environment, so the place is fixed)
//   node bench/round-trips.js [--per 1000]
//       prints each app's counts, most frequent first, divided by --per (e.g. the candidates),
//       and empties the directory for the next run
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const DIR = path.join(__dirname, '..', '.run', 'round-trips');

function countInThisProcess(dir) {
  // The apps' own copies of the packages: resolved from the app's bundle, as it requires them.
  const from = (name) => require(require.resolve(name, { paths: [path.dirname(process.argv[1] ?? '.'), process.cwd()] }));
  const counts = { sql: {}, redis: {}, http: 0 };
  const bump = (table, key) => (table[key] = (table[key] ?? 0) + 1);
  const pg = from('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === 'string' ? config : config?.text;
    bump(
      counts.sql,
      String(text ?? '?')
        .replace(/\s+/g, ' ')
        .slice(0, 80),
    );
    return query.call(this, config, ...rest);
  };
  const Redis = from('ioredis');
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (command, ...rest) {
    const script = command.name === 'evalsha' || command.name === 'eval';
    bump(counts.redis, script ? `${command.name} ${String(command.args[0] ?? '').slice(0, 8)}` : command.name);
    return send.call(this, command, ...rest);
  };
  const http = require('node:http');
  const request = http.request;
  http.request = function (...args) {
    counts.http++;
    return request.apply(this, args);
  };
  const app = path.basename(path.dirname(process.argv[1] ?? 'unknown'));
  const write = () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${app}-${process.pid}.json`), JSON.stringify(counts));
  };
  process.on('exit', write);
  process.prependListener('SIGTERM', write);
}

function report(dir, per) {
  if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist: run the bench with this file as a preload first`);
  const total = (table) => Object.values(table).reduce((a, b) => a + b, 0);
  const fmt = (n) => (per === 1 ? String(n) : (n / per).toFixed(2));
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const counts = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    fs.rmSync(path.join(dir, file));
    console.log(
      `${file.replace(/\.json$/, '')}: SQL ${fmt(total(counts.sql))}, Redis ${fmt(total(counts.redis))}, HTTP ${fmt(counts.http)}`,
    );
    for (const [kind, table] of [
      ['SQL', counts.sql],
      ['Redis', counts.redis],
    ]) {
      for (const [what, n] of Object.entries(table).sort((a, b) => b[1] - a[1])) {
        if (n / per >= 0.05) console.log(`  ${kind.padEnd(5)} ${fmt(n).padStart(8)}  ${what}`);
      }
    }
  }
}

if (require.main === module) {
  const [flag, value] = process.argv.slice(2);
  if (flag && flag !== '--per') {
    process.stderr.write('usage: node bench/round-trips.js [--per N]\n');
    process.exit(2);
  }
  const per = flag ? Number(value) : 1;
  if (!(per > 0)) throw new Error(`--per must be a positive number, got ${value}`);
  report(DIR, per);
} else {
  countInThisProcess(DIR);
}
