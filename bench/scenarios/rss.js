'use strict';
// 6. Memory: VmRSS (/proc/<pid>/status) of the gateway, dispatcher, result-sync and config-api.
// - idle: read 5 s after the last app became ready (accounts created) and then every 5 s up to
//   IDLE_WATCH_S (120 s). The target is read on the last sample: a pod is idle for minutes, not
//   seconds, and V8 returns the young generation that start-up filled only once its memory reducer
//   has seen the process allocate little for a while (8 s after a full collection at the
//   earliest; 20-120 s in the runs of 2 December). The 5 s figure, the whole series and when each
//   app settled are printed next to it.
// - under load: the highest of samples taken every 250 ms while stage changes flow through the
//   pipeline (as in the throughput scenario) and 4 clients page through the config API's accounts
//   and assessments, 50 ms apart.
// - after: 5 s and AFTER_WATCH_S (60 s) after the load.
// Target: idle <= 120 MB per app.

const { pipelineLoad } = require('../lib/load');
const { line, progress, target } = require('../lib/report');
const { kbToMb, mb, num, sleep, verdict } = require('../lib/util');

const APPS = ['webhook-gateway', 'dispatcher', 'result-sync', 'config-api'];
const IDLE_TARGET_KB = 120 * 1024;
// How long idle memory is watched (after start and after the load); BENCH_RSS_IDLE_S changes it.
const IDLE_WATCH_S = Math.max(10, Number(process.env.BENCH_RSS_IDLE_S ?? 120));
const AFTER_WATCH_S = 60;
const STEP_S = 5;

/** When the idle series first came within 5 MB of its last sample (the memory reducer's drop). */
function settledAt(series, app) {
  const times = Object.keys(series).map(Number);
  const end = series[times.at(-1)]?.[app];
  if (end === undefined) return '-';
  const first = times.find((t) => Math.abs((series[t][app] ?? 0) - end) <= 5 * 1024);
  return first === times[0] ? 'no drop in the window' : `after ${first} s`;
}

module.exports = {
  name: 'rss',
  title: 'RSS of each app: idle, under load, after',
  async run({ quick, logDir }) {
    const accounts = quick ? 10 : 20;
    const candidates = quick ? 150 : 500;
    const idle = {};
    const peak = {};
    const after = {};
    let sampler = null;
    let apiLoad = null;
    let apiRequests = 0;
    let stopping = false;
    const readNow = (stack) => {
      const out = {};
      for (const app of APPS) {
        const p = stack.ofApp(app)[0];
        const kb = p ? stack.rss()[p.name] : null;
        if (kb !== null && kb !== undefined) out[app] = kb;
      }
      return out;
    };
    // Samples every STEP_S from 5 s to IDLE_WATCH_S (the caller has already waited the first 5 s).
    const watchIdle = async (stack, label, untilS) => {
      const series = {};
      for (let t = STEP_S; t <= untilS; t += STEP_S) {
        if (t > STEP_S) await sleep(STEP_S * 1_000);
        series[t] = readNow(stack);
        if (t % 15 === 0) progress(`rss: ${label} +${t} s: ${APPS.map((a) => mb(series[t][a])).join(', ')}`);
      }
      return series;
    };
    await pipelineLoad({
      scenario: 'rss',
      logDir,
      accounts,
      candidates,
      label: 'rss',
      hooks: {
        beforeLoad: async (stack, tenants) => {
          await sleep(3_000); // 5 s after the last app became ready, with the 2 s of pipelineLoad
          progress(`rss: idle, sampling every ${STEP_S} s for ${IDLE_WATCH_S} s (gateway, dispatcher, result-sync, config-api)`);
          Object.assign(idle, await watchIdle(stack, 'idle', IDLE_WATCH_S));
          progress('rss: sampling every 250 ms under load');
          sampler = setInterval(() => {
            for (const [app, kb] of Object.entries(readNow(stack))) peak[app] = Math.max(peak[app] ?? 0, kb);
          }, 250);
          apiLoad = Promise.all(
            Array.from({ length: 4 }, async (_, c) => {
              for (let i = 0; !stopping; i++) {
                const t = tenants[(c + i) % tenants.length];
                await stack.api.call('GET', i % 2 ? '/v1/accounts?limit=50' : `/v1/accounts/${t.accountId}/assessments?limit=50`);
                apiRequests++;
                await sleep(50);
              }
            }),
          );
        },
        afterLoad: async (stack) => {
          stopping = true;
          await apiLoad;
          clearInterval(sampler);
          for (const [app, kb] of Object.entries(readNow(stack))) peak[app] = Math.max(peak[app] ?? 0, kb);
          await sleep(5_000);
          Object.assign(after, await watchIdle(stack, 'after the load', AFTER_WATCH_S));
        },
      },
    });
    line(
      `  ${num(candidates)} stage changes over ${accounts} accounts; config API: ${num(apiRequests)} GETs from 4 clients during the load`,
    );
    const last = IDLE_WATCH_S;
    const cols = ['idle 5 s', `idle ${last} s`, 'load max', 'after 5 s', `after ${AFTER_WATCH_S} s`];
    line(`  ${'app'.padEnd(16)} ${cols.map((c) => c.padStart(10)).join(' ')}  idle settled`);
    for (const app of APPS) {
      const cells = [idle[STEP_S]?.[app], idle[last]?.[app], peak[app], after[STEP_S]?.[app], after[AFTER_WATCH_S]?.[app]];
      line(`  ${app.padEnd(16)} ${cells.map((kb) => mb(kb).padStart(10)).join(' ')}  ${settledAt(idle, app)}`);
    }
    const series = (s, app) =>
      Object.keys(s)
        .map((t) => Math.round((s[t][app] ?? 0) / 1024))
        .join(' ');
    line(`  idle series, MB every ${STEP_S} s from 5 s (V8 returns the start-up young generation when its memory reducer runs):`);
    for (const app of APPS) line(`    ${app.padEnd(16)} ${series(idle, app)}`);
    for (const app of APPS) {
      target('rss', `${app} idle (${last} s)`, mb(idle[last]?.[app]), '<= 120 MB', verdict(idle[last]?.[app], { max: IDLE_TARGET_KB }), {
        raw: kbToMb(idle[last]?.[app]),
      });
    }
    for (const app of APPS)
      target('rss', `${app} idle (5 s after start)`, mb(idle[STEP_S]?.[app]), 'report', 'info', {
        raw: kbToMb(idle[STEP_S]?.[app]),
        better: 'lower',
      });
    for (const app of APPS)
      target('rss', `${app} under load (max)`, mb(peak[app]), 'report', 'info', { raw: kbToMb(peak[app]), better: 'lower' });
  },
};
