'use strict';
// Watching candidates reach a state in the lever-sandbox without loading the machine.
//
// Times come from the sandbox itself: every Lever write is kept in the opportunity's history with
// the time it was applied (`GET /_sandbox/opportunities/:id`), so when a candidate got its "Sent"
// tag does not depend on when the bench looks. The bench only has to look once the write is there:
// it polls the sandbox's request log every 200 ms (one small request: only entries since the last
// poll) and reads an opportunity only after a write for it (addTags, removeTags, addLinks,
// removeLinks, notes) has finished. A slow sweep (a few pending opportunities every 3 s) covers
// anything missed. So the cost is about one opportunity read per write, not one per candidate per
// poll.

const { mapLimit, sleep } = require('./util');

const WRITE_ROUTE = /^\/v1\/opportunities\/:id\/(addTags|removeTags|addLinks|removeLinks|notes)$/;
const OVERLAP_MS = 1_000;
const IN_FLIGHT_RECHECK_MS = 2_000;

class LeverWatcher {
  constructor(lever, { intervalMs = 200, fetchConcurrency = 6, sweepEveryMs = 3_000, sweepBatch = 20 } = {}) {
    this.lever = lever;
    this.intervalMs = intervalMs;
    this.fetchConcurrency = fetchConcurrency;
    this.sweepEveryMs = sweepEveryMs;
    this.sweepBatch = sweepBatch;
    this.reads = 0;
    this.polls = 0;
  }

  /**
   * Waits until `check(state)` gives a result for every id, or `deadline` (ms since epoch).
   * check(state) -> null (not yet) | { at, ... } (done; `at` is the sandbox time it happened).
   * `since`: only request-log entries from then on matter. `onDone(id, result)` is called as each
   * id finishes. Returns { results: Map(id -> result), missing: [ids] }.
   */
  async until(ids, check, { since = Date.now(), deadline, onDone, stop } = {}) {
    const pending = new Set(ids);
    const results = new Map();
    const dirty = new Map(); // id -> recheck until (ms); 0 = read once
    const seen = new Map(); // finished log entries already acted on -> at
    let cursor = since;
    let lastSweep = Date.now();
    let sweepOrder = [...pending];
    let sweepIndex = 0;

    const read = async (id) => {
      this.reads++;
      const state = await this.lever.opportunity(id);
      const result = check(state);
      if (result && pending.has(id)) {
        pending.delete(id);
        results.set(id, result);
        if (onDone) onDone(id, result);
      }
    };

    while (pending.size && Date.now() < deadline && !(stop && stop())) {
      const t0 = Date.now();
      this.polls++;
      const entries = await this.lever.requests({ since: Math.max(since, cursor - OVERLAP_MS) });
      for (const e of entries) {
        if (e.at > cursor) cursor = e.at;
        if (e.method !== 'POST' || !WRITE_ROUTE.test(e.route)) continue;
        const id = e.path.split('/')[3];
        if (!pending.has(id)) continue;
        if (e.status === null) {
          dirty.set(id, Math.max(dirty.get(id) ?? 0, e.at + IN_FLIGHT_RECHECK_MS));
          continue;
        }
        const key = `${e.at}|${e.path}|${e.keyId}`;
        if (seen.has(key)) continue;
        seen.set(key, e.at);
        if (!dirty.has(id)) dirty.set(id, 0);
      }
      for (const [key, at] of seen) if (at < cursor - 3 * OVERLAP_MS) seen.delete(key);

      if (Date.now() - lastSweep >= this.sweepEveryMs) {
        lastSweep = Date.now();
        sweepOrder = sweepOrder.filter((id) => pending.has(id));
        for (let n = 0; n < this.sweepBatch && sweepOrder.length; n++) {
          const id = sweepOrder[sweepIndex++ % sweepOrder.length];
          if (!dirty.has(id)) dirty.set(id, 0);
        }
      }

      const now = Date.now();
      const batch = [...dirty.keys()].filter((id) => pending.has(id));
      await mapLimit(batch, this.fetchConcurrency, read);
      for (const id of batch) if (!pending.has(id) || (dirty.get(id) ?? 0) <= now) dirty.delete(id);
      for (const id of dirty.keys()) if (!pending.has(id)) dirty.delete(id);

      const wait = this.intervalMs - (Date.now() - t0);
      if (wait > 0) await sleep(wait);
    }
    // A last look at whatever is still pending (cheap: done once).
    if (pending.size && !(stop && stop())) await mapLimit([...pending], this.fetchConcurrency, read);
    return { results, missing: [...pending] };
  }
}

/** The sandbox time of the first write `action` whose tags/links include `value`, or null. */
function firstWrite(state, action, predicate, after = 0) {
  const entry = state.history.find((h) => h.action === action && h.at >= after && predicate(h.detail));
  return entry ? entry.at : null;
}

/** Time of the move to the trigger stage (the last stage change), sandbox clock. */
const movedAt = (state) => {
  const changes = state.stageChanges ?? [];
  return changes.length ? changes[changes.length - 1].updatedAt : null;
};

/** Flow A step 1: "<prefix> - Sent" added; an "Error" tag ends the wait too, as an error. */
function sentCheck(prefix) {
  const sent = `${prefix} - Sent`;
  const error = `${prefix} - Error`;
  return (state) => {
    const at = firstWrite(state, 'addTags', (tags) => Array.isArray(tags) && tags.includes(sent));
    if (at !== null) return { at, movedAt: movedAt(state) };
    if (state.tags.includes(error)) return { at: state.history.at(-1)?.at ?? Date.now(), movedAt: movedAt(state), error: true };
    return null;
  };
}

/** Flow A step 2: "<prefix> - Needs Review" added (after `after`). */
function needsReviewCheck(prefix, after) {
  const tag = `${prefix} - Needs Review`;
  const error = `${prefix} - Error`;
  return (state) => {
    const at = firstWrite(state, 'addTags', (tags) => Array.isArray(tags) && tags.includes(tag), after);
    if (at !== null) return { at };
    if (state.tags.includes(error)) return { at: state.history.at(-1)?.at ?? Date.now(), error: true };
    return null;
  };
}

/**
 * Flow A step 3: "<prefix> - Pass" is the only status tag, a report link is on the candidate and a
 * note was written after `after`. `at` is the last of those writes.
 */
function passCheck(prefix, after) {
  const pass = `${prefix} - Pass`;
  const error = `${prefix} - Error`;
  return (state) => {
    const statusTags = state.tags.filter((t) => t.startsWith(`${prefix} - `));
    if (state.tags.includes(error)) return { at: state.history.at(-1)?.at ?? Date.now(), error: true };
    if (statusTags.length !== 1 || statusTags[0] !== pass) return null;
    if (!state.links.some((l) => l.includes('/reports/'))) return null;
    const tagAt = firstWrite(state, 'addTags', (tags) => Array.isArray(tags) && tags.includes(pass), after);
    const linkAt = firstWrite(state, 'addLinks', (links) => Array.isArray(links) && links.some((l) => l.includes('/reports/')), after);
    const noteAt = firstWrite(state, 'note', () => true, after);
    if (tagAt === null || linkAt === null || noteAt === null) return null;
    const removals = state.history.filter((h) => h.action === 'removeTags' && h.at >= after).map((h) => h.at);
    return { at: Math.max(tagAt, linkAt, noteAt, ...removals) };
  };
}

/**
 * Requests of the product's Lever keys in [from, to]: { total, byStatus, maxPerSecond } from the
 * sandbox request log (arrival times).
 */
async function keyRequests(lever, keyIds, from, to = Infinity) {
  let entries;
  if (keyIds.length <= 3) {
    entries = (await Promise.all(keyIds.map((keyId) => lever.requests({ keyId, since: from })))).flat();
  } else {
    const wanted = new Set(keyIds);
    entries = (await lever.requests({ since: from })).filter((e) => wanted.has(e.keyId));
  }
  entries = entries.filter((e) => e.at <= to);
  const byStatus = {};
  for (const e of entries) byStatus[e.status ?? 'in-flight'] = (byStatus[e.status ?? 'in-flight'] ?? 0) + 1;
  const times = entries.map((e) => e.at).sort((a, b) => a - b);
  let maxPerSecond = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    maxPerSecond = Math.max(maxPerSecond, i - j + 1);
  }
  return { total: entries.length, byStatus, maxPerSecond, last: times.at(-1) ?? null, entries };
}

/**
 * The fewest tokens Lever's own bucket (`rate` per second, `burst` at most, full at the first
 * request) held after any request of `entries` (one key's), replayed over their arrival times at
 * the sandbox: how close the key came to a 429. Below 0 is a 429. A steadier figure than the
 * count of 429s, which only says whether a run crossed the line.
 */
function leverHeadroom(entries, rate, burst) {
  const times = entries.map((e) => e.at).sort((a, b) => a - b);
  let tokens = burst;
  let lowest = burst;
  for (let i = 0; i < times.length; i++) {
    if (i > 0) tokens = Math.min(burst, tokens + ((times[i] - times[i - 1]) / 1000) * rate);
    tokens -= 1;
    lowest = Math.min(lowest, tokens);
  }
  return lowest;
}

/** Waits until the keys have sent nothing for `quietMs` (or `maxMs` passed); returns the time of their last request. */
async function waitQuiet(lever, keyIds, since, { quietMs = 2_000, maxMs = 30_000 } = {}) {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const { last } = await keyRequests(lever, keyIds, since);
    const idle = Date.now() - (last ?? since);
    if (idle >= quietMs || Date.now() > deadline) return last;
    await sleep(Math.min(500, quietMs - idle + 50));
  }
}

/** opportunityId -> first webhook attempt time (sandbox clock) for the given companies. */
async function webhookTimes(lever, companyIds) {
  const map = new Map();
  for (const companyId of companyIds) {
    for (const d of await lever.deliveries(companyId)) {
      const id = d.body?.data?.opportunityId;
      const at = d.attempts?.[0]?.at;
      if (id && at !== undefined && !map.has(id)) map.set(id, at);
    }
  }
  return map;
}

module.exports = {
  leverHeadroom,
  LeverWatcher,
  sentCheck,
  needsReviewCheck,
  passCheck,
  keyRequests,
  waitQuiet,
  webhookTimes,
};
