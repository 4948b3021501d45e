'use strict';
// The budget-free pipeline load shared by the throughput, scale-out and RSS scenarios: a stack whose
// lever-sandbox has no limit, `accounts` accounts, `candidates` stage changes spread evenly over
// them, all moved at once (64 PUTs in flight), then watched until every candidate is "Sent".
// The product's own per-account limiter (LEVER_RATE_PER_SECOND) still applies, as in production.

const fs = require('node:fs');
const path = require('node:path');
const { busyPercent, cpuTimes } = require('./machine');
const { serverCpuSince, serverCpuSnapshot } = require('./noise');
const { ROOT, benchNodeArgs, startProcess, waitReady } = require('./proc');
const { progress } = require('./report');
const { PLATFORM_API_KEY, Stack } = require('./stack');
const { createTenants } = require('./tenants');
const { mapLimit, sleep, summary } = require('./util');
const { LeverWatcher, keyRequests, sentCheck, waitQuiet, webhookTimes } = require('./watch');

/** Effectively no limit: the sandbox's bucket never empties. */
const UNLIMITED = 1_000_000;
const PIPELINE_APPS = ['webhook-gateway', 'dispatcher', 'result-sync', 'bare-pipeline'];

/**
 * The throughput ceiling's stand-in for the whole pipeline (bench/bare-pipeline.js), listening where
 * the gateway would, so the sandbox's webhooks reach it unchanged.
 */
async function startBarePipeline(stack, tenants) {
  const tenantsFile = path.join(stack.logDir, `${stack.scenario}-bare-pipeline-tenants.json`);
  fs.writeFileSync(
    tenantsFile,
    JSON.stringify(
      tenants.map((t) => ({
        webhookKey: decodeURIComponent(t.webhookUrl.split('/').pop()),
        signatureToken: t.signatureToken,
        apiKey: t.productApiKey,
        botId: t.botId,
        tagPrefix: t.tagPrefix,
        platformAccountId: t.platformAccountId,
        platformTestId: t.platformTestId,
      })),
    ),
  );
  const proc = startProcess({
    name: 'bare-pipeline',
    command: process.execPath,
    args: [...benchNodeArgs(), path.join(ROOT, 'bench/bare-pipeline.js')],
    env: {
      PORT: String(stack.ports.gateway),
      TENANTS_FILE: tenantsFile,
      LEVER_API_URL: `${stack.urls.lever}/v1`,
      PLATFORM_API_URL: stack.urls.platform,
      PLATFORM_API_KEY,
    },
    logFile: stack.log('bare-pipeline'),
  });
  proc.app = 'bare-pipeline';
  stack.procs.push(proc);
  await waitReady(proc, stack.urls.gateway);
}

/**
 * @param bare  true: bench/bare-pipeline.js instead of the product's gateway, dispatcher and
 *              result-sync (the ceiling: the same HTTP conversation and nothing else)
 * @param leverDelayMs  every Lever response to the product's keys waits this long (the sandbox's
 *              delay fault): a real Lever's network and server time, which the local sandbox lacks
 * @param warmup  stage changes of other candidates moved (and watched to "Sent") before the measured
 *              ones, so the figures are those of warm processes: in freshly started ones V8 spends
 *              about a fifth of the first thousand candidates' CPU compiling (perf, thirteenth round
 *              in docs/performance.md), a cost a long-running deployment pays once
 */
async function pipelineLoad({
  scenario,
  logDir,
  accounts,
  candidates,
  dispatchers = 1,
  resultSyncs = 1,
  hooks = {},
  label = scenario,
  bare = false,
  leverDelayMs = 0,
  warmup = 0,
}) {
  const stack = new Stack({ scenario, logDir, leverRate: UNLIMITED, leverBurst: UNLIMITED });
  try {
    progress(
      bare
        ? `${label}: starting the sandboxes and the bare relay (no product), ${accounts} accounts`
        : `${label}: starting the apps (${dispatchers} dispatcher(s), ${resultSyncs} result-sync(s)), ${accounts} accounts`,
    );
    await stack.setup();
    const share = (total, i) => Math.floor(total / accounts) + (i < total % accounts ? 1 : 0);
    const specs = Array.from({ length: accounts }, (_, i) => ({
      name: `T${String(i + 1).padStart(3, '0')}`,
      candidates: share(warmup, i) + share(candidates, i),
    }));
    const tenants = await createTenants(stack, specs, { moverBurst: Infinity });
    if (bare) await startBarePipeline(stack, tenants);
    else await stack.startPipeline({ dispatchers, resultSyncs });
    if (leverDelayMs > 0) {
      await mapLimit(tenants, 8, (t) =>
        stack.lever.control('POST', `/keys/${encodeURIComponent(t.productKeyId)}/faults`, { delayMs: leverDelayMs, count: 1_000_000 }),
      );
    }
    await sleep(2_000); // let start-up work (cache loads, first polls) settle
    if (hooks.beforeLoad) await hooks.beforeLoad(stack, tenants);

    // Each account's first opportunities warm the processes up; the rest are measured.
    const warmPairs = tenants.flatMap((t, i) => t.opportunities.slice(0, share(warmup, i)).map((o) => ({ t, o })));
    const pairs = tenants.flatMap((t, i) => t.opportunities.slice(share(warmup, i)).map((o) => ({ t, o })));
    const checks = new Map(tenants.map((t) => [t.tagPrefix, sentCheck(t.tagPrefix)]));
    const prefixOf = new Map([...warmPairs, ...pairs].map(({ t, o }) => [o.id, t.tagPrefix]));
    const productKeys = tenants.map((t) => t.productKeyId);
    // One wave: watch the candidates, move them all at once, then wait for their "Sent" and for
    // the product's keys to go quiet (trailing writes of the same candidates).
    const wave = async (moving) => {
      const since = Date.now();
      const watcher = new LeverWatcher(stack.lever);
      const watching = watcher.until(
        moving.map(({ o }) => o.id),
        (state) => checks.get(prefixOf.get(state.id))(state),
        { since, deadline: since + 60_000 + moving.length * 500 },
      );
      const moveStart = Date.now();
      await mapLimit(moving, 64, async ({ t, o }) => {
        const status = await stack.lever.moveStage(t.movers[0].apiKey, o.id, t.stageId);
        if (status !== 200) throw new Error(`moving ${o.id} answered ${status}`);
      });
      const movesMs = Date.now() - moveStart;
      const { results, missing } = await watching;
      const quietAt = await waitQuiet(stack.lever, productKeys, since, { quietMs: 1_500 });
      return { since, watcher, movesMs, results, missing, quietAt };
    };
    let warm = null;
    if (warmPairs.length > 0) {
      progress(`${label}: warm-up: moving ${warmPairs.length} other candidates first (not measured)`);
      const w = await wave(warmPairs);
      const sentAt = [...w.results.values()].filter((r) => !r.error).map((r) => r.at);
      warm = {
        candidates: warmPairs.length,
        sent: sentAt.length,
        missing: w.missing.length,
        perSecond: sentAt.length / ((Math.max(...sentAt) - w.since) / 1000),
      };
    }
    const pipeline = stack.procs.filter((p) => PIPELINE_APPS.includes(p.app));
    const others = stack.procs.filter((p) => !PIPELINE_APPS.includes(p.app));
    const cpu0 = stack.cpu();
    const split0 = stack.cpuSplit();
    const runner0 = process.cpuUsage();
    const machine0 = cpuTimes();
    const servers0 = serverCpuSnapshot();

    progress(`${label}: moving ${pairs.length} candidates to the trigger stage at once, waiting for "Sent"`);
    const { since, watcher, movesMs, results, missing, quietAt } = await wave(pairs);
    const cpu1 = stack.cpu();
    const split1 = stack.cpuSplit();
    const runner1 = process.cpuUsage(runner0);
    const machine1 = cpuTimes();
    const servers = serverCpuSince(servers0);
    if (hooks.afterLoad) await hooks.afterLoad(stack, tenants);
    stack.assertRunning();

    const hooksAt = await webhookTimes(
      stack.lever,
      tenants.map((t) => t.companyId),
    );
    const ok = [...results.entries()].filter(([, r]) => !r.error);
    const start = Math.min(...ok.map(([id, r]) => hooksAt.get(id) ?? r.movedAt));
    const lastSent = Math.max(...ok.map(([, r]) => r.at));
    const latencies = ok.map(([id, r]) => r.at - (hooksAt.get(id) ?? r.movedAt));
    const requests = await keyRequests(stack.lever, productKeys, since);
    const delta = (procs) => procs.reduce((sum, p) => sum + ((cpu1[p.name] ?? 0) - (cpu0[p.name] ?? 0)), 0);
    return {
      candidates: pairs.length,
      sent: ok.length,
      errors: results.size - ok.length,
      missing: missing.length,
      seconds: (lastSent - start) / 1000,
      perSecond: ok.length / ((lastSent - start) / 1000),
      movesMs,
      latency: summary(latencies),
      requests,
      requestsPerCandidate: requests.total / pairs.length,
      quietAfterMs: quietAt ? quietAt - lastSent : null,
      pipelineCpuMs: delta(pipeline),
      cpuByProcess: Object.fromEntries(stack.procs.map((p) => [p.name, (cpu1[p.name] ?? 0) - (cpu0[p.name] ?? 0)])),
      // System time is the kernel's work for the process, mostly its socket reads and writes.
      systemCpuByProcess: Object.fromEntries(
        stack.procs.map((p) => [p.name, (split1[p.name]?.system ?? 0) - (split0[p.name]?.system ?? 0)]),
      ),
      othersCpuMs: delta(others),
      runnerCpuMs: (runner1.user + runner1.system) / 1000,
      machineBusy: busyPercent(machine0, machine1),
      // PostgreSQL's and Redis's own CPU for the same span (every user of those servers).
      serverCpuMs: servers,
      watcher: { polls: watcher.polls, reads: watcher.reads },
      warm,
    };
  } finally {
    progress(`${label}: stopping the apps, dropping the database and Redis keys`);
    await stack.teardown();
  }
}

module.exports = { pipelineLoad, UNLIMITED, PIPELINE_APPS };
