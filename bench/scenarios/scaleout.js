'use strict';
// 5. Scale-out: the budget-free load of the throughput scenario (lever-sandbox without a limit,
// stage changes spread over many accounts) with 1 dispatcher + 1 result-sync, then on a fresh
// stack with 2 dispatchers + 2 result-syncs (separate processes on the same Redis, database and
// prefix). Throughput to "Sent" and webhook-to-"Sent" latency for both. On a 2-core machine that
// also runs the gateway, the sandboxes, Redis, PostgreSQL and the bench, extra processes mostly
// compete for the same cores: the figure says what a replica costs or gains here, not on a cluster.

const os = require('node:os');
const { pipelineLoad } = require('../lib/load');
const { line, target } = require('../lib/report');
const { latencyLine, num } = require('../lib/util');

module.exports = {
  name: 'scaleout',
  title: 'scale-out: 1 dispatcher + 1 result-sync vs 2 + 2, lever-sandbox without a limit',
  async run({ quick, logDir }) {
    const accounts = quick ? 15 : 30;
    const candidates = quick ? 150 : 600;
    const runs = [];
    for (const n of [1, 2]) {
      const r = await pipelineLoad({
        scenario: `scaleout${n}`,
        logDir,
        accounts,
        candidates,
        dispatchers: n,
        resultSyncs: n,
        label: `scale-out ${n}+${n}`,
      });
      runs.push({ n, r });
    }
    line(`  ${num(candidates)} stage changes over ${accounts} accounts, all at once, each on a fresh stack; ${os.cpus().length} CPUs`);
    for (const { n, r } of runs) {
      line(
        `  ${n} + ${n}: ${num(r.perSecond, 1).padStart(6)} stage changes/s to "Sent" (${num(r.seconds, 1)} s); webhook -> "Sent" ${latencyLine(r.latency)}; errors ${r.errors}, missing ${r.missing}`,
      );
      line(
        `         pipeline CPU ${num(r.pipelineCpuMs / r.candidates, 2)} ms per candidate; machine CPU busy ${num(r.machineBusy)}%; ${num(r.requestsPerCandidate, 2)} Lever requests per candidate`,
      );
    }
    const [one, two] = runs.map((x) => x.r);
    line(`  2+2 vs 1+1: throughput x${num(two.perSecond / one.perSecond, 2)}, p99 x${num(two.latency.p99 / one.latency.p99, 2)}`);
    target('scaleout', 'throughput 2+2 / 1+1', num(two.perSecond / one.perSecond, 2), 'report', 'info', {
      raw: two.perSecond / one.perSecond,
      better: 'higher',
    });
    target(
      'scaleout',
      'p99 webhook->Sent 1+1 / 2+2',
      `${num(one.latency.p99 / 1000, 1)} / ${num(two.latency.p99 / 1000, 1)} s`,
      'report',
      'info',
    );
  },
};
