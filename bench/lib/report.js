'use strict';
// What the terminal shows: figures (plain lines), one progress line per phase, and a summary of the
// figures that have a target. Nothing else: the apps' output goes to files under .run/bench/.

const fs = require('node:fs');
const path = require('node:path');

const started = Date.now();
const targets = [];

const elapsed = () => `+${((Date.now() - started) / 1000).toFixed(0)}s`;

/** A figure line. */
function line(text = '') {
  process.stdout.write(`${text}\n`);
}

/** A progress line (one per phase), marked so it reads apart from the figures. */
function progress(text) {
  process.stdout.write(`  .. ${elapsed().padStart(6)} ${text}\n`);
}

/** Which way a figure is better, from its target: higher for ">= x", lower for "<= x" and "0"; null for "report". */
function betterWay(goal) {
  if (goal.startsWith('>=')) return 'higher';
  if (goal.startsWith('<=') || goal === '0') return 'lower';
  return null;
}

/**
 * Records a figure that has a target, for the summary at the end. For comparing runs
 * (bench/ab.js): `raw`, the figure as a plain number (in the unit `value` is written in, or ms for
 * times; omitted where the figure is not one number), and `better` ('higher' or 'lower') for a
 * reported figure (a target says it itself).
 */
function target(scenario, label, value, goal, verdict, { raw = null, better = null } = {}) {
  targets.push({
    scenario,
    label,
    value,
    goal,
    verdict,
    raw: typeof raw === 'number' && Number.isFinite(raw) ? raw : null,
    better: betterWay(goal) ?? better,
  });
}

function printTargets() {
  if (!targets.length) return;
  line('');
  line('targets');
  const w = Math.max(...targets.map((t) => `${t.scenario}: ${t.label}`.length));
  for (const t of targets) {
    line(`  ${`${t.scenario}: ${t.label}`.padEnd(w)}  ${String(t.value).padStart(10)}  target ${t.goal.padEnd(9)} ${t.verdict}`);
  }
}

/** The summary as JSON (BENCH_RESULTS), for a program that compares runs. */
function writeTargets(file, about) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ ...about, targets }, null, 2)}\n`);
}

module.exports = { line, progress, target, printTargets, writeTargets, started };
