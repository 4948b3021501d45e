'use strict';
// 2. Lever budget: 200 candidates (40 with --quick) of one account at Lever's real limit
// (lever-sandbox: 10 rps, burst 20 per key). Time from the first webhook to the last "Sent", the
// product key's Lever requests (sandbox request log), the ratio time / (requests / 10 per s)
// (1.0 = the key's budget used back to back; target <= 1.1), the 429s (target 0), requests per
// candidate to "Sent" (target <= 2) and per full Flow A life: Sent, then Needs Review (the
// platform-sandbox completes every invitation), then Pass with the report link and the note (it
// scores every invitation 85; the rule passes at 70). Candidates are moved with mover keys, so
// the product key's counts are the product's own.

const { Stack } = require('../lib/stack');
const { line, progress, target } = require('../lib/report');
const { createTenants, moveAll } = require('../lib/tenants');
const { mapLimit, num, secs, sleep, verdict } = require('../lib/util');
const {
  LeverWatcher,
  keyRequests,
  leverHeadroom,
  needsReviewCheck,
  passCheck,
  sentCheck,
  waitQuiet,
  webhookTimes,
} = require('../lib/watch');

const LEVER_RATE = 10;
const LEVER_BURST = 20;
const SCORE = 85;

module.exports = {
  name: 'budget',
  title: `budget: one account's candidates through Flow A at Lever's limit (${LEVER_RATE} rps, burst ${LEVER_BURST})`,
  async run({ quick, logDir }) {
    const n = quick ? 40 : 200;
    const stack = new Stack({ scenario: 'budget', logDir, leverRate: LEVER_RATE, leverBurst: LEVER_BURST });
    try {
      progress('budget: starting the apps, creating the account');
      await stack.setup();
      const [t] = await createTenants(stack, [{ name: 'Budget', candidates: n }], { moverBurst: LEVER_BURST });
      await stack.startPipeline({ dispatchers: 1, resultSyncs: 1 });
      await sleep(2_000);
      const ids = t.opportunities.map((o) => o.id);
      const key = [t.productKeyId];
      const watcher = new LeverWatcher(stack.lever);
      const phaseDeadline = () => Date.now() + 60_000 + n * 1_500;

      // Phase 1: moved -> Sent.
      progress(`budget: moving ${n} candidates at once, waiting for "Sent"`);
      const since = Date.now();
      const watching = watcher.until(ids, sentCheck(t.tagPrefix), { since, deadline: phaseDeadline() });
      const moves = await moveAll(stack, t, t.opportunities);
      const sent = await watching;
      const hooks = await webhookTimes(stack.lever, [t.companyId]);
      const sentOk = [...sent.results.entries()].filter(([, r]) => !r.error);
      const firstHook = Math.min(...ids.map((id) => hooks.get(id) ?? sent.results.get(id)?.movedAt).filter((v) => v !== undefined));
      const lastSent = Math.max(...sentOk.map(([, r]) => r.at));
      const sentMs = lastSent - firstHook;
      const quiet1 = await waitQuiet(stack.lever, key, since, { quietMs: 2_000 });
      const toSent = await keyRequests(stack.lever, key, since, lastSent);
      const phase1 = await keyRequests(stack.lever, key, since);
      const ratio = sentMs / 1000 / (toSent.total / LEVER_RATE);

      // Phase 2: the platform completes every invitation -> Needs Review.
      progress(`budget: the platform completes the ${n} invitations, waiting for "Needs Review"`);
      const invitations = await stack.platform.invitations();
      const byEmail = new Map(invitations.map((inv) => [inv.request?.candidate?.email, inv.id]));
      const invitationOf = new Map(t.opportunities.map((o) => [o.id, byEmail.get(o.email)]));
      const life = ids.filter((id) => sent.results.has(id) && !sent.results.get(id).error && invitationOf.get(id));
      const since2 = Date.now();
      const watching2 = watcher.until(life, needsReviewCheck(t.tagPrefix, since2), { since: since2, deadline: phaseDeadline() });
      await mapLimit(life, 20, (id) => stack.platform.complete(invitationOf.get(id)));
      const review = await watching2;
      const lastReview = Math.max(since2, ...[...review.results.values()].map((r) => r.at));
      await waitQuiet(stack.lever, key, since2, { quietMs: 2_000 });
      const phase2 = await keyRequests(stack.lever, key, since2);

      // Phase 3: the platform scores every invitation -> Pass, report link, note.
      progress(`budget: the platform scores the ${n} invitations ${SCORE}, waiting for "Pass", the report link and the note`);
      const since3 = Date.now();
      const reviewed = life.filter((id) => review.results.has(id) && !review.results.get(id).error);
      const watching3 = watcher.until(reviewed, passCheck(t.tagPrefix, since3), { since: since3, deadline: phaseDeadline() });
      await mapLimit(reviewed, 20, (id) => stack.platform.score(invitationOf.get(id), SCORE));
      const passed = await watching3;
      const lastPass = Math.max(since3, ...[...passed.results.values()].map((r) => r.at));
      await waitQuiet(stack.lever, key, since3, { quietMs: 2_000 });
      const phase3 = await keyRequests(stack.lever, key, since3);
      const whole = await keyRequests(stack.lever, key, since);
      stack.assertRunning();

      const s429 = (r) => r.byStatus['429'] ?? 0;
      const passOk = [...passed.results.values()].filter((r) => !r.error).length;
      line(`  ${n} candidates moved in ${num((moves.done - moves.at) / 1000, 1)} s (${t.movers.length} mover keys); ${sentOk.length} Sent`);
      line(`  to "Sent":   ${secs(sentMs)} from the first webhook to the last "Sent" tag`);
      line(
        `              ${num(toSent.total)} Lever requests by then (${num(phase1.total)} until the key went quiet, ${quiet1 ? num(Math.max(0, quiet1 - lastSent) / 1000, 1) : 'n/a'} s after the last "Sent"), busiest second ${phase1.maxPerSecond}`,
      );
      line(`              time / (requests / ${LEVER_RATE} per s) = ${num(ratio, 2)}   429s ${s429(phase1)}`);
      line(`              ${num(phase1.total / n, 2)} requests per candidate to "Sent"`);
      line(
        `  Needs Review: ${review.results.size}/${life.length} in ${secs(lastReview - since2)} after completing, ${num(phase2.total)} requests, 429s ${s429(phase2)}`,
      );
      line(
        `  Pass + link + note: ${passOk}/${reviewed.length} in ${secs(lastPass - since3)} after scoring, ${num(phase3.total)} requests, 429s ${s429(phase3)}`,
      );
      line(
        `  full Flow A life: ${num(whole.total)} Lever requests, ${num(whole.total / n, 2)} per candidate, 429s ${s429(whole)} (by route: ${routes(whole.entries)})`,
      );
      const headroom = (r) => num(leverHeadroom(r.entries, LEVER_RATE, LEVER_BURST), 1);
      line(
        `  Lever's bucket at its lowest (its ${LEVER_RATE}/s, burst ${LEVER_BURST}, replayed over the requests' arrivals; below 0 is a 429): to "Sent" ${headroom(phase1)}, Needs Review ${headroom(phase2)}, Pass ${headroom(phase3)} tokens`,
      );
      line(
        `  errors: Sent ${sent.results.size - sentOk.length}, missing Sent ${sent.missing.length}, Needs Review ${review.missing.length}, Pass ${passed.missing.length}`,
      );
      // Each figure once: the value shown and the raw number for bench:ab come from the same result.
      const toSentPerCandidate = phase1.total / n;
      const lifePerCandidate = whole.total / n;
      const lifeLowest = leverHeadroom(whole.entries, LEVER_RATE, LEVER_BURST);
      const life429s = s429(whole);
      target('budget', 'time / (requests / 10 per s), to Sent', num(ratio, 2), '<= 1.1', verdict(ratio, { max: 1.1 }), { raw: ratio });
      target('budget', '429s, whole life', String(life429s), '0', verdict(life429s, { max: 0 }), { raw: life429s });
      target(
        'budget',
        'Lever requests per candidate to Sent',
        num(toSentPerCandidate, 2),
        '<= 2',
        verdict(toSentPerCandidate, { max: 2 }),
        {
          raw: toSentPerCandidate,
        },
      );
      target('budget', "Lever's bucket at its lowest, whole life", num(lifeLowest, 1), 'report', 'info', {
        raw: lifeLowest,
        better: 'higher',
      });
      target('budget', 'Lever requests per candidate, full life', num(lifePerCandidate, 2), 'report', 'info', {
        raw: lifePerCandidate,
        better: 'lower',
      });
      target('budget', `time to all Sent (${n} candidates)`, secs(sentMs), 'report', 'info', { raw: sentMs, better: 'lower' });
    } finally {
      progress('budget: stopping the apps, dropping the database and Redis keys');
      await stack.teardown();
    }
  },
};

/** "GET opportunity 200, POST addTags 200, ..." counts by method + route. */
function routes(entries) {
  const counts = {};
  for (const e of entries) {
    const k = `${e.method} ${e.route.replace('/v1/opportunities/:id', '').replace(/^\//, '') || 'opportunity'}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
