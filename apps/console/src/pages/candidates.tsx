import { useState, type FormEvent } from 'react';
import { accountPath, api, type ApiError, type Assessment, type TimelineStep } from '../api';
import { go } from '../router';
import { Badge, Empty, ErrorNote, Field, Loading, Notice, asApiError, useLoad, when } from '../ui';

const STEP_LABEL: Record<string, string> = {
  'webhook.received': 'Lever webhook handled',
  'rule.matched': 'Rule matched',
  'rule.not_matched': 'No rule matched',
  'invitation.created': 'Invitation created',
  'invitation.failed': 'Invitation failed',
  'lever.tags_added': 'Tags added in Lever',
  'lever.tags_removed': 'Tags removed in Lever',
  'lever.links_added': 'Links added in Lever',
  'lever.note_written': 'Note written in Lever',
  'platform_event.applied': 'Result from the platform',
  'platform_event.ignored': 'Platform event ignored',
  'lever_sync.failed': 'Lever update failed',
  'assessment.canceled': 'Assessment canceled',
  'candidate.purged': 'Candidate data purged',
};

/** What a step's detail says in a few words (its ids, tags, codes and counts; never personal data). */
function stepSummary(step: TimelineStep): string {
  const d = step.detail;
  const parts: string[] = [];
  if (typeof d.outcome === 'string') parts.push(`outcome: ${d.outcome}`);
  if (typeof d.code === 'string') parts.push(`code: ${d.code}`);
  if (Array.isArray(d.tags)) parts.push((d.tags as string[]).join(', '));
  if (Array.isArray(d.kinds)) parts.push(`${String(d.count ?? d.kinds.length)} link(s): ${(d.kinds as string[]).join(', ')}`);
  if (typeof d.kind === 'string' && step.type === 'rule.matched') parts.push(d.kind.replace('_', ' '));
  if (typeof d.reason === 'string') parts.push(d.reason);
  if (typeof d.eventType === 'string') parts.push(d.eventType);
  return parts.join(' · ');
}

/** Find a candidate (Lever opportunity id or email); their timeline and assessments. */
export function CandidatesPage({ accountId, opportunityId }: { accountId: string; opportunityId?: string }) {
  const [query, setQuery] = useState(opportunityId ?? '');
  const [matches, setMatches] = useState<{ opportunityId: string; name: string; stageName: string | null; archived: boolean }[] | null>(
    null,
  );
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const find = async (event: FormEvent) => {
    event.preventDefault();
    const q = query.trim();
    setError(null);
    setMatches(null);
    if (!q.includes('@')) {
      go('accounts', accountId, 'candidates', q);
      return;
    }
    setBusy(true);
    try {
      const found = await api<{ items: NonNullable<typeof matches> }>(
        'GET',
        accountPath(accountId, `/candidates?email=${encodeURIComponent(q)}`),
      );
      setMatches(found.items);
      if (found.items.length === 1) go('accounts', accountId, 'candidates', found.items[0].opportunityId);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className="page-head">
        <h1>Candidates</h1>
      </div>
      <section className="card">
        <form onSubmit={(e) => void find(e)} className="inline-form" role="search">
          <Field label="Lever opportunity id or email" error={error?.forField('email')}>
            {(props) => <input {...props} value={query} onChange={(e) => setQuery(e.target.value)} required spellCheck={false} />}
          </Field>
          <div className="actions">
            <button type="submit" disabled={busy || !query.trim()}>
              {busy ? 'Searching…' : 'Find'}
            </button>
          </div>
        </form>
        {error && !error.forField('email') ? <ErrorNote error={error} title="Not found" /> : null}
        {matches && matches.length === 0 ? <Empty title="No candidate in Lever has this email" /> : null}
        {matches && matches.length > 1 ? (
          <ul className="plain">
            {matches.map((m) => (
              <li key={m.opportunityId}>
                <a href={`#/accounts/${accountId}/candidates/${encodeURIComponent(m.opportunityId)}`}>{m.name}</a>{' '}
                <span className="sub">
                  {m.stageName ?? ''} {m.archived ? '(archived)' : ''}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {opportunityId ? <Candidate key={opportunityId} accountId={accountId} opportunityId={opportunityId} /> : null}
    </>
  );
}

function Candidate({ accountId, opportunityId }: { accountId: string; opportunityId: string }) {
  const q = encodeURIComponent(opportunityId);
  const timeline = useLoad(
    () => api<{ data: TimelineStep[] }>('GET', accountPath(accountId, `/events?opportunityId=${q}`)),
    [accountId, opportunityId],
  );
  const assessments = useLoad(
    () => api<{ items: Assessment[] }>('GET', accountPath(accountId, `/assessments?opportunityId=${q}&limit=50`)),
    [accountId, opportunityId],
  );
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const act = async (assessment: Assessment, action: 'resend' | 'cancel') => {
    if (action === 'cancel' && !window.confirm('Cancel this invitation? The candidate can no longer take it.')) return;
    setActionError(null);
    setDone(null);
    try {
      await api('POST', accountPath(accountId, `/assessments/${assessment.id}/${action}`));
      setDone(
        action === 'resend' ? 'Sent again: Lever is brought up to date, or the stage trigger runs again.' : 'The invitation was canceled.',
      );
      assessments.reload();
      timeline.reload();
    } catch (err) {
      setActionError(asApiError(err));
    }
  };

  return (
    <div className="two-col">
      <section className="card" aria-labelledby="assessments-title">
        <div className="page-head">
          <h2 id="assessments-title">Assessments</h2>
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              assessments.reload();
              timeline.reload();
            }}
          >
            Refresh
          </button>
        </div>
        {done ? <Notice>{done}</Notice> : null}
        <ErrorNote error={actionError} title="Not done" />
        <ErrorNote error={assessments.error} title="Could not load the assessments" />
        {assessments.loading && !assessments.data ? <Loading what="assessments" /> : null}
        {assessments.data && assessments.data.items.length === 0 ? <Empty title="No assessment for this candidate yet" /> : null}
        <ul className="cards">
          {assessments.data?.items.map((a) => (
            <li key={a.id} className="assessment">
              <div>
                <Badge value={a.status} /> {a.kind === 'live_interview' ? 'Live interview pad' : 'Take-home'}{' '}
                <span className="sub">{when(a.createdAt)}</span>
              </div>
              {a.candidateUrl ? (
                <p>
                  Pad link:{' '}
                  <a href={a.candidateUrl} target="_blank" rel="noreferrer noopener" className="pad-link">
                    {a.candidateUrl}
                  </a>
                </p>
              ) : null}
              {a.interviewerUrl ? (
                <p>
                  Interviewer link:{' '}
                  <a href={a.interviewerUrl} target="_blank" rel="noreferrer noopener">
                    {a.interviewerUrl}
                  </a>
                </p>
              ) : null}
              {a.reportUrl ? (
                <p>
                  Report:{' '}
                  <a href={a.reportUrl} target="_blank" rel="noreferrer noopener">
                    {a.reportUrl}
                  </a>
                  {a.score !== null ? ` (score ${a.score})` : ''}
                </p>
              ) : null}
              {a.errorText ? <p className="field-error">{a.errorText}</p> : null}
              <div className="actions">
                <button type="button" className="secondary small" onClick={() => void act(a, 'resend')}>
                  Resend
                </button>
                {a.status === 'sent' || a.status === 'completed' ? (
                  <button type="button" className="danger small" onClick={() => void act(a, 'cancel')}>
                    Cancel
                  </button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <ErrorNote error={timeline.error} title="Could not load the timeline" />
        {timeline.loading && !timeline.data ? <Loading what="the timeline" /> : null}
        {timeline.data && timeline.data.data.length === 0 ? (
          <Empty title="Nothing recorded for this candidate">Steps appear when Lever sends a webhook about them.</Empty>
        ) : null}
        <ol className="timeline">
          {timeline.data?.data.map((step, i) => (
            <li key={i} className={/failed/.test(step.type) ? 'step step-bad' : 'step'}>
              <time dateTime={step.at}>{when(step.at)}</time>
              <strong>{STEP_LABEL[step.type] ?? step.type}</strong>
              <span className="sub">{stepSummary(step)}</span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
