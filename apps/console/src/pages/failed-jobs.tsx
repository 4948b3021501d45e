import { useState } from 'react';
import { api, type ApiError, type FailedJob } from '../api';
import { Empty, ErrorNote, Field, Loading, Notice, asApiError, useLoad, when } from '../ui';

const QUEUES = ['lever-events', 'platform-events', 'lever-sync', 'account-sweeps'];

/** Failed jobs with their reasons; replay one, or every one that matches the filter. */
export function FailedJobsPage({ accountId }: { accountId: string | null }) {
  const [queue, setQueue] = useState('');
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const params = new URLSearchParams({ limit: '100' });
  if (queue) params.set('queue', queue);
  if (accountId) params.set('accountId', accountId);
  const jobs = useLoad(
    () => api<{ items: FailedJob[]; totals: Record<string, number> }>('GET', `/v1/failed-jobs?${params}`),
    [queue, accountId],
  );
  const codeOf = (job: FailedJob) => /^([A-Z][A-Z0-9_]*):/.exec(job.failedReason)?.[1] ?? null;
  const shown = (jobs.data?.items ?? []).filter((j) => !code.trim() || codeOf(j) === code.trim());

  const replayOne = async (job: FailedJob) => {
    setActionError(null);
    setMessage(null);
    try {
      await api('POST', `/v1/failed-jobs/${encodeURIComponent(job.queue)}/${encodeURIComponent(job.id)}/retry`);
      setMessage(`Job ${job.id} replayed.`);
      jobs.reload();
    } catch (err) {
      setActionError(asApiError(err));
    }
  };

  const replayAll = async () => {
    setActionError(null);
    setMessage(null);
    try {
      const body = { ...(queue ? { queue } : {}), ...(accountId ? { accountId } : {}), ...(code.trim() ? { code: code.trim() } : {}) };
      const result = await api<{ retried: number; notRetried: unknown[]; more: boolean }>('POST', '/v1/failed-jobs/retry', body);
      setMessage(
        `${result.retried} job(s) replayed` +
          (result.notRetried.length ? `, ${result.notRetried.length} could not be (already replayed or removed)` : '') +
          (result.more ? '. More match: replay again.' : '.'),
      );
      jobs.reload();
    } catch (err) {
      setActionError(asApiError(err));
    }
  };

  return (
    <>
      <div className="page-head">
        <h1>Failed jobs{accountId ? '' : ' (all accounts)'}</h1>
      </div>
      <section className="card">
        <div className="inline-form filters">
          <Field label="Queue">
            {(props) => (
              <select {...props} value={queue} onChange={(e) => setQueue(e.target.value)}>
                <option value="">All queues</option>
                {QUEUES.map((q) => (
                  <option key={q} value={q}>
                    {q}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Error code" hint="e.g. LEVER_KEY_REVOKED" error={actionError?.forField('code')}>
            {(props) => <input {...props} value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} spellCheck={false} />}
          </Field>
          <div className="actions">
            <button type="button" onClick={() => void replayAll()} disabled={shown.length === 0}>
              Replay all that match
            </button>
          </div>
        </div>
        {message ? <Notice>{message}</Notice> : null}
        {actionError && !actionError.forField('code') ? <ErrorNote error={actionError} title="Not replayed" /> : null}
        <ErrorNote error={jobs.error} title="Could not load the failed jobs" />
        {jobs.loading && !jobs.data ? <Loading what="failed jobs" /> : null}
        {jobs.data && shown.length === 0 ? (
          <Empty title="No failed jobs">Nothing is waiting for a replay{code ? ' with this code' : ''}.</Empty>
        ) : null}
        {shown.length > 0 ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Failed</th>
                  <th scope="col">Queue</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Candidate</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((job) => (
                  <tr key={`${job.queue}/${job.id}`}>
                    <td data-label="Failed">{when(job.failedAt)}</td>
                    <td data-label="Queue">{job.queue}</td>
                    <td data-label="Reason" className="reason">
                      {job.failedReason || 'no reason recorded'}
                      <div className="sub">{job.attemptsMade} attempt(s)</div>
                    </td>
                    <td data-label="Candidate">
                      {job.ids.opportunityId && job.ids.accountId ? (
                        <a href={`#/accounts/${job.ids.accountId}/candidates/${encodeURIComponent(job.ids.opportunityId)}`}>
                          {job.ids.opportunityId}
                        </a>
                      ) : (
                        '–'
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="secondary small"
                        onClick={() => void replayOne(job)}
                        aria-label={`Replay job ${job.id}`}
                      >
                        Replay
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
