'use strict';
// 1. Fairness at Lever's real limit (lever-sandbox: 10 rps, burst 20 per key). Account A moves many
// candidates at once (300; 60 with --quick); ~2 s later accounts B..F each move one candidate.
// Figures: B..F's webhook-to-"Sent" latency (target p99 <= 2 s with one dispatcher and one
// result-sync) and A's total time, first webhook to last "Sent".
//
// One wave of five gives five samples (p99 = max), so B..F keep moving one candidate each every
// 10 s while A still has candidates waiting; those waves are printed apart from the first.
// Moves go through separate "mover" keys of each company (tenants.js), so the product keys'
// request counts are the product's own.

const { Stack } = require('../lib/stack');
const { line, progress, target } = require('../lib/report');
const { createTenants, moveAll } = require('../lib/tenants');
const { latencyLine, ms, num, secs, sleep, summary, verdict } = require('../lib/util');
const { LeverWatcher, keyRequests, leverHeadroom, sentCheck, webhookTimes } = require('../lib/watch');

const LEVER_RATE = 10;
const LEVER_BURST = 20;
const WAVE_GAP_MS = 10_000;
const TARGET_P99_MS = 2_000;

module.exports = {
  name: 'fairness',
  title: `fairness: account A moves many candidates at once, B..F one each ~2 s later (Lever limit ${LEVER_RATE} rps, burst ${LEVER_BURST} per key)`,
  async run({ quick, logDir }) {
    const aCount = quick ? 60 : 300;
    const maxWaves = quick ? 4 : 15;
    const stack = new Stack({ scenario: 'fairness', logDir, leverRate: LEVER_RATE, leverBurst: LEVER_BURST });
    try {
      progress('fairness: starting the apps, creating accounts A..F');
      await stack.setup();
      const tenants = await createTenants(
        stack,
        [{ name: 'A', candidates: aCount }, ...['B', 'C', 'D', 'E', 'F'].map((name) => ({ name, candidates: maxWaves }))],
        { moverBurst: LEVER_BURST },
      );
      await stack.startPipeline({ dispatchers: 1, resultSyncs: 1 });
      await sleep(2_000);
      const [A, ...rest] = tenants;
      const tenantOf = new Map(tenants.flatMap((t) => t.opportunities.map((o) => [o.id, t])));
      const checks = new Map(tenants.map((t) => [t.name, sentCheck(t.tagPrefix)]));
      const doneA = new Set();
      const done = new Set();
      const moved = new Set(A.opportunities.map((o) => o.id));
      const waves = [];
      let wavesOver = false;

      const watcher = new LeverWatcher(stack.lever);
      const since = Date.now();
      const deadline = since + 60_000 + aCount * 1_000;
      progress(
        `fairness: A moves ${aCount} candidates at once (${A.movers.length} mover keys); B..F one each at +2 s, then every ${WAVE_GAP_MS / 1000} s while A has candidates waiting`,
      );
      const watching = watcher.until(
        tenants.flatMap((t) => t.opportunities.map((o) => o.id)),
        (state) => checks.get(tenantOf.get(state.id).name)(state),
        {
          since,
          deadline,
          onDone: (id) => {
            done.add(id);
            if (tenantOf.get(id) === A) doneA.add(id);
          },
          stop: () => wavesOver && doneA.size === aCount && [...moved].every((id) => done.has(id)),
        },
      );
      const movingA = moveAll(stack, A, A.opportunities);
      const wavesDone = (async () => {
        for (let w = 0; w < maxWaves; w++) {
          await sleep(w === 0 ? Math.max(0, 2_000 - (Date.now() - since)) : WAVE_GAP_MS);
          if (w > 0 && (doneA.size >= aCount || Date.now() > deadline)) break;
          const ids = rest.map((t) => t.opportunities[w].id);
          ids.forEach((id) => moved.add(id));
          waves.push({ at: Date.now() - since, ids });
          await Promise.all(rest.map((t) => moveAll(stack, t, [t.opportunities[w]])));
        }
        wavesOver = true;
      })();
      const aMoves = await movingA;
      await wavesDone;
      const { results, missing } = await watching;
      stack.assertRunning();

      const hooks = await webhookTimes(
        stack.lever,
        tenants.map((t) => t.companyId),
      );
      const webhookAt = (id) => hooks.get(id) ?? results.get(id)?.movedAt;
      const latency = (ids) =>
        ids.filter((id) => results.has(id) && !results.get(id).error).map((id) => results.get(id).at - webhookAt(id));
      const aIds = A.opportunities.map((o) => o.id);
      const aOk = aIds.filter((id) => results.has(id) && !results.get(id).error);
      const aStart = Math.min(...aIds.map(webhookAt).filter((v) => v !== undefined));
      const aEnd = aOk.length ? Math.max(...aOk.map((id) => results.get(id).at)) : null;
      const aTotal = aEnd === null ? null : aEnd - aStart;
      const first = summary(latency(waves[0]?.ids ?? []));
      const all = summary(latency(waves.flatMap((w) => w.ids)));
      const aReq = await keyRequests(stack.lever, [A.productKeyId], since);
      const restReq = await keyRequests(
        stack.lever,
        rest.map((t) => t.productKeyId),
        since,
      );
      const movedIds = [...moved];
      const errors = movedIds.filter((id) => results.get(id)?.error).length;
      const notSent = movedIds.filter((id) => missing.includes(id)).length;

      line(
        `  A: ${aCount} candidates moved in ${ms(aMoves.done - aMoves.at)} (${A.movers.length} mover keys, ${aMoves.moverRetries} mover 429s retried)`,
      );
      line(`  A: first webhook to last "Sent": ${secs(aTotal)} (${num(aOk.length / (aTotal / 1000), 2)} candidates/s), ${aOk.length} Sent`);
      line(
        `  A's product key: ${num(aReq.total)} Lever requests (${num(aReq.total / aCount, 2)} per candidate), 429s ${aReq.byStatus['429'] ?? 0}, busiest second ${aReq.maxPerSecond}, Lever's bucket at its lowest ${num(leverHeadroom(aReq.entries, LEVER_RATE, LEVER_BURST), 1)} tokens (replayed; below 0 is a 429)`,
      );
      line(`  B..F moved at +${num(waves[0]?.at / 1000, 1)} s, webhook -> "Sent": ${latencyLine(first)}`);
      line(`  B..F, all ${waves.length} waves while A drained:   ${latencyLine(all)}`);
      line(`  B..F product keys: ${num(restReq.total)} Lever requests, 429s ${restReq.byStatus['429'] ?? 0}`);
      line(
        `  errors ${errors}, not Sent by the deadline ${notSent}; watcher: ${watcher.polls} log polls, ${watcher.reads} opportunity reads`,
      );
      target('fairness', 'B..F p99 webhook->Sent (first wave)', ms(first.p99), '<= 2 s', verdict(first.p99, { max: TARGET_P99_MS }), {
        raw: first.p99,
      });
      target('fairness', 'B..F p99 webhook->Sent (all waves)', ms(all.p99), '<= 2 s', verdict(all.p99, { max: TARGET_P99_MS }), {
        raw: all.p99,
      });
      target('fairness', `A total (${aCount} candidates)`, secs(aTotal), 'report', 'info', { raw: aTotal, better: 'lower' });
      return { aTotal, first, all };
    } finally {
      progress('fairness: stopping the apps, dropping the database and Redis keys');
      await stack.teardown();
    }
  },
};
