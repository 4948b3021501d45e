'use strict';
// Small helpers shared by the bench scenarios: sleeping, bounded concurrency, statistics, formatting.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn(item, index)` over `items` with at most `limit` calls in flight; results in item order. */
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Nearest-rank percentile (p in 0..100) of a list of numbers; null for an empty list. */
function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function summary(values) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : null,
  };
}

const ms = (v) => (v === null || v === undefined ? 'n/a' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const secs = (v) => (v === null || v === undefined ? 'n/a' : `${(v / 1000).toFixed(1)} s`);
const num = (v, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v)
    ? 'n/a'
    : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** kB -> MB as a number (a figure's raw value), null when missing. */
const kbToMb = (kb) => (typeof kb === 'number' ? kb / 1024 : null);
const mb = (kb) => (typeof kb === 'number' ? `${kbToMb(kb).toFixed(0)} MB` : 'n/a');
const latencyLine = (s) => `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)} (n=${s.n})`;

/** "met" / "NOT met" for a figure against a target; "n/a" when the figure is missing. */
function verdict(value, { max, min }) {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (max !== undefined && value > max) return 'NOT met';
  if (min !== undefined && value < min) return 'NOT met';
  return 'met';
}

/** The middle value of a list of numbers (the mean of the two middle ones for an even count); null for an empty list. */
function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `pairs` pairs in the order a b, b a, a b, ...: drift over time weighs on both alike. */
const alternate = (a, b, pairs) => Array.from({ length: pairs }, (_, i) => (i % 2 ? [b, a] : [a, b])).flat();

/** Now as a file-name stamp: 2026-12-04T01-20-37. */
const fileStamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);

module.exports = { sleep, mapLimit, percentile, median, summary, ms, secs, num, mb, kbToMb, latencyLine, verdict, alternate, fileStamp };
