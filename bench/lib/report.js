'use strict';
// What the terminal shows: figures (plain lines), one progress line per phase, and a summary of the
// figures that have a target. Nothing else: the apps' output goes to files under .run/bench/.

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

/** Records a figure that has a target, for the summary at the end. */
function target(scenario, label, value, goal, verdict) {
  targets.push({ scenario, label, value, goal, verdict });
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

module.exports = { line, progress, target, printTargets, started };
