'use strict';
// 6. Memory: VmRSS (/proc/<pid>/status) of the gateway, dispatcher, result-sync and config-api,
// idle (ready, accounts created, 5 s after the last start-up) and under load (the highest of
// samples taken every 250 ms while stage changes flow through the pipeline, as in the throughput
// scenario, and 4 clients page through the config API's accounts and assessments, 50 ms apart), then 5 s
// after the load. Target: idle <= 120 MB per app.

const { pipelineLoad } = require('../lib/load');
const { line, progress, target } = require('../lib/report');
const { mb, num, sleep, verdict } = require('../lib/util');

const APPS = ['webhook-gateway', 'dispatcher', 'result-sync', 'config-api'];
const IDLE_TARGET_KB = 120 * 1024;

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
    const read = (stack, into, fn) => {
      for (const app of APPS) {
        const p = stack.ofApp(app)[0];
        const kb = p ? stack.rss()[p.name] : null;
        if (kb !== null && kb !== undefined) into[app] = fn(into[app], kb);
      }
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
          read(stack, idle, (_, kb) => kb);
          progress('rss: idle figures read; sampling every 250 ms under load');
          sampler = setInterval(() => read(stack, peak, (prev, kb) => Math.max(prev ?? 0, kb)), 250);
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
          read(stack, peak, (prev, kb) => Math.max(prev ?? 0, kb));
          await sleep(5_000);
          read(stack, after, (_, kb) => kb);
        },
      },
    });
    line(
      `  ${num(candidates)} stage changes over ${accounts} accounts; config API: ${num(apiRequests)} GETs from 4 clients during the load`,
    );
    line(`  ${'app'.padEnd(16)} ${'idle'.padStart(7)} ${'load max'.padStart(9)} ${'after'.padStart(7)}`);
    for (const app of APPS) {
      line(`  ${app.padEnd(16)} ${mb(idle[app]).padStart(7)} ${mb(peak[app]).padStart(9)} ${mb(after[app]).padStart(7)}`);
      target('rss', `${app} idle`, mb(idle[app]), '<= 120 MB', verdict(idle[app], { max: IDLE_TARGET_KB }));
    }
    for (const app of APPS) target('rss', `${app} under load (max)`, mb(peak[app]), 'report', 'info');
  },
};
