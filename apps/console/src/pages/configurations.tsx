import { useState, type FormEvent } from 'react';
import { ApiError, accountPath, api, type CatalogTest, type Preview, type RuleKind, type Stage, type TriggerRule } from '../api';
import { Badge, CopyButton, Empty, ErrorNote, Field, Loading, Notice, asApiError, useLoad } from '../ui';

const KIND_LABEL: Record<RuleKind, string> = { take_home: 'Take-home test', live_interview: 'Live interview pad' };

interface Draft {
  id: string | null;
  stageId: string;
  kind: RuleKind;
  testId: string;
  requiredTag: string;
  passThreshold: string;
  failThreshold: string;
  timeLimitMinutes: string;
  enabled: boolean;
}

const emptyDraft = (): Draft => ({
  id: null,
  stageId: '',
  kind: 'take_home',
  testId: '',
  requiredTag: '',
  passThreshold: '',
  failThreshold: '',
  timeLimitMinutes: '120',
  enabled: true,
});

const fromRule = (r: TriggerRule): Draft => ({
  id: r.id,
  stageId: r.stageId,
  kind: r.kind,
  testId: r.testId ?? '',
  requiredTag: r.requiredTag ?? '',
  passThreshold: r.passThreshold === null ? '' : String(r.passThreshold),
  failThreshold: r.failThreshold === null ? '' : String(r.failThreshold),
  timeLimitMinutes: String(r.timeLimitMinutes),
  enabled: r.enabled,
});

const FIELD_LABELS: Record<string, string> = {
  passThreshold: 'the pass threshold',
  failThreshold: 'the fail threshold',
  timeLimitMinutes: 'the time limit',
  requiredTag: 'the tag',
  stageId: 'the stage',
  stageName: 'the stage',
  testId: 'the test',
};

/** "" is "not set" (null); anything else must be a number, or the server names the field. */
const num = (value: string): number | null | string =>
  value.trim() === '' ? null : Number.isFinite(Number(value)) ? Number(value) : value;

/** Trigger rules: which stage sends which test or pad, for which tag, with which thresholds. */
export function ConfigurationsPage({ accountId }: { accountId: string }) {
  const rules = useLoad(() => api<{ items: TriggerRule[] }>('GET', accountPath(accountId, '/trigger-rules')), [accountId]);
  const catalog = useLoad(() => api<{ items: CatalogTest[] }>('GET', accountPath(accountId, '/tests')), [accountId]);
  const stages = useLoad(() => api<{ items: Stage[] }>('GET', accountPath(accountId, '/lever/stages')), [accountId]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const testName = (id: string | null) =>
    catalog.data?.items.find((t) => t.id === id)?.name ?? (id ? 'unknown test' : 'from the tag, or none');
  const stageName = (r: TriggerRule) => stages.data?.items.find((s) => s.id === r.stageId)?.text ?? r.stageName ?? r.stageId;

  return (
    <>
      <div className="page-head">
        <h1>Configurations</h1>
        <button
          type="button"
          onClick={() => {
            setSaved(null);
            setDraft(emptyDraft());
          }}
        >
          Add a configuration
        </button>
      </div>
      {saved ? <Notice>{saved}</Notice> : null}
      {draft ? (
        <RuleForm
          accountId={accountId}
          draft={draft}
          stages={stages}
          catalog={catalog}
          onCancel={() => setDraft(null)}
          onSaved={(message) => {
            setDraft(null);
            setSaved(message);
            rules.reload();
          }}
        />
      ) : null}
      <section aria-labelledby="rules-title" className="card">
        <h2 id="rules-title">Trigger rules</h2>
        <ErrorNote error={rules.error} title="Could not load the rules" />
        {rules.loading && !rules.data ? <Loading what="rules" /> : null}
        {rules.data && rules.data.items.length === 0 ? (
          <Empty title="No configurations yet">Add one: pick the Lever stage that sends a test or opens a pad.</Empty>
        ) : null}
        {rules.data && rules.data.items.length > 0 ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Stage</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Test</th>
                  <th scope="col">Tag</th>
                  <th scope="col">Pass / fail</th>
                  <th scope="col">Time limit</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rules.data.items.map((r) => (
                  <tr key={r.id}>
                    <td data-label="Stage">
                      {stageName(r)} {r.enabled ? null : <Badge value="disabled" />}
                    </td>
                    <td data-label="Kind">{KIND_LABEL[r.kind]}</td>
                    <td data-label="Test">{testName(r.testId)}</td>
                    <td data-label="Tag">
                      {r.requiredTag ? (
                        <span className="tag-cell">
                          <code>{r.requiredTag}</code> <CopyButton value={r.requiredTag} label={`Copy the tag ${r.requiredTag}`} />
                        </span>
                      ) : (
                        'any candidate'
                      )}
                    </td>
                    <td data-label="Pass / fail">
                      {r.passThreshold ?? '–'} / {r.failThreshold ?? '–'}
                    </td>
                    <td data-label="Time limit">{r.timeLimitMinutes} min</td>
                    <td>
                      <button
                        type="button"
                        className="secondary small"
                        aria-label={`Edit the rule for ${stageName(r)}`}
                        onClick={() => {
                          setSaved(null);
                          setDraft(fromRule(r));
                        }}
                      >
                        Edit
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

type Loaded<T> = { data?: T; error?: ApiError; loading: boolean; reload: () => void };

function RuleForm({
  accountId,
  draft: initial,
  stages,
  catalog,
  onCancel,
  onSaved,
}: {
  accountId: string;
  draft: Draft;
  stages: Loaded<{ items: Stage[] }>;
  catalog: Loaded<{ items: CatalogTest[] }>;
  onCancel: () => void;
  onSaved: (message: string) => void;
}) {
  const [draft, setDraftState] = useState<Draft>(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<'save' | 'import' | null>(null);
  const [imported, setImported] = useState<string | null>(null);
  const set = (patch: Partial<Draft>) => setDraftState((d) => ({ ...d, ...patch }));
  // The API names fields as in its JSON (failThreshold); the admin reads the labels of this form.
  const fieldError = (...names: string[]) => {
    const message = names.map((n) => error?.forField(n)).find(Boolean) ?? null;
    if (!message) return null;
    const text = Object.entries(FIELD_LABELS).reduce((t, [field, label]) => t.split(field).join(label), message);
    return text.charAt(0).toUpperCase() + text.slice(1);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy('save');
    setError(null);
    try {
      if (!draft.stageId)
        throw new ApiError(400, 'VALIDATION_FAILED', 'Pick a stage.', [{ field: 'stageId', messages: ['Pick the Lever stage.'] }]);
      const body = {
        stageId: draft.stageId,
        kind: draft.kind,
        testId: draft.testId || null,
        requiredTag: draft.requiredTag.trim() || null,
        passThreshold: num(draft.passThreshold),
        failThreshold: num(draft.failThreshold),
        timeLimitMinutes: num(draft.timeLimitMinutes) ?? undefined,
        enabled: draft.enabled,
      };
      if (draft.id) await api('PATCH', accountPath(accountId, `/trigger-rules/${draft.id}`), body);
      else await api('POST', accountPath(accountId, '/trigger-rules'), body);
      onSaved(draft.id ? 'The configuration was saved.' : 'The configuration was added.');
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const importTests = async () => {
    setBusy('import');
    setImported(null);
    setError(null);
    try {
      const result = await api<{ created: number; updated: number; unchanged: number }>('POST', accountPath(accountId, '/tests/import'));
      setImported(`Imported from the platform: ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged.`);
      catalog.reload();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const unplaced =
    error &&
    !['stageId', 'stageName', 'kind', 'testId', 'requiredTag', 'passThreshold', 'failThreshold', 'timeLimitMinutes'].some((f) =>
      error.forField(f),
    );

  return (
    <section className="card" aria-labelledby="rule-form-title">
      <h2 id="rule-form-title">{draft.id ? 'Edit the configuration' : 'Add a configuration'}</h2>
      <form onSubmit={(e) => void save(e)} noValidate>
        {unplaced ? <ErrorNote error={error} title="Not saved" /> : null}
        <div className="grid">
          <Field
            label="Lever stage"
            hint="Moving a candidate to this stage triggers the rule."
            error={fieldError('stageId', 'stageName') ?? (stages.error ? stages.error.message : null)}
          >
            {(props) => (
              <select
                {...props}
                value={draft.stageId}
                onChange={(e) => set({ stageId: e.target.value })}
                disabled={stages.loading && !stages.data}
              >
                <option value="">{stages.loading && !stages.data ? 'Loading stages from Lever…' : 'Choose a stage'}</option>
                {stages.data?.items.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.text}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Kind" error={fieldError('kind')}>
            {(props) => (
              <select {...props} value={draft.kind} onChange={(e) => set({ kind: e.target.value as RuleKind })}>
                <option value="take_home">{KIND_LABEL.take_home}</option>
                <option value="live_interview">{KIND_LABEL.live_interview}</option>
              </select>
            )}
          </Field>
          <div>
            <Field
              label="Test"
              hint="From the catalog. A candidate tagged with a test's name gets that test instead."
              error={fieldError('testId')}
            >
              {(props) => (
                <select {...props} value={draft.testId} onChange={(e) => set({ testId: e.target.value })}>
                  <option value="">{draft.kind === 'live_interview' ? 'No test (a blank pad)' : 'Choose a test'}</option>
                  {catalog.data?.items.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button type="button" className="secondary small below-field" onClick={() => void importTests()} disabled={busy !== null}>
              {busy === 'import' ? 'Importing…' : 'Import tests from the platform'}
            </button>
          </div>
          <Field
            label="Tag (optional)"
            hint="Only candidates carrying this Lever tag; tagged rules win over untagged ones."
            error={fieldError('requiredTag')}
          >
            {(props) => (
              <div className="with-button">
                <input {...props} value={draft.requiredTag} onChange={(e) => set({ requiredTag: e.target.value })} />
                {draft.requiredTag.trim() ? <CopyButton value={draft.requiredTag.trim()} label="Copy the tag" /> : null}
              </div>
            )}
          </Field>
          <Field label="Pass threshold (0-100)" hint="Score at or above: Pass." error={fieldError('passThreshold')}>
            {(props) => (
              <input {...props} inputMode="numeric" value={draft.passThreshold} onChange={(e) => set({ passThreshold: e.target.value })} />
            )}
          </Field>
          <Field
            label="Fail threshold (0-100)"
            hint="Score below: Fail. Must be below the pass threshold."
            error={fieldError('failThreshold')}
          >
            {(props) => (
              <input {...props} inputMode="numeric" value={draft.failThreshold} onChange={(e) => set({ failThreshold: e.target.value })} />
            )}
          </Field>
          <Field label="Time limit (minutes)" hint="1 to 10080; take-home pads and tests." error={fieldError('timeLimitMinutes')}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={draft.timeLimitMinutes}
                onChange={(e) => set({ timeLimitMinutes: e.target.value })}
              />
            )}
          </Field>
          <div className="field checkbox">
            <input id="rule-enabled" type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
            <label htmlFor="rule-enabled">Enabled</label>
          </div>
        </div>
        {imported ? <Notice>{imported}</Notice> : null}
        <div className="actions">
          <button type="submit" disabled={busy !== null}>
            {busy === 'save' ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
      <PreviewPanel accountId={accountId} draft={draft} />
    </section>
  );
}

function PreviewPanel({ accountId, draft }: { accountId: string; draft: Draft }) {
  const [opportunityId, setOpportunityId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);

  const run = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setPreview(null);
    try {
      if (!draft.stageId) throw new ApiError(400, 'VALIDATION_FAILED', 'Pick the stage above first.');
      const body = {
        opportunityId: opportunityId.trim(),
        stageId: draft.stageId,
        draft: {
          ...(draft.id ? { ruleId: draft.id } : {}),
          kind: draft.kind,
          testId: draft.testId || null,
          requiredTag: draft.requiredTag.trim() || null,
        },
      };
      setPreview(await api<Preview>('POST', accountPath(accountId, '/preview'), body));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="preview">
      <h3>Preview before saving</h3>
      <form onSubmit={(e) => void run(e)} className="inline-form">
        <Field
          label="Lever opportunity id"
          hint="What would happen if this candidate moved to the stage now. Nothing is sent or written."
          error={error?.forField('opportunityId')}
        >
          {(props) => (
            <input {...props} value={opportunityId} onChange={(e) => setOpportunityId(e.target.value)} required spellCheck={false} />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="secondary" disabled={busy || !opportunityId.trim()}>
            {busy ? 'Previewing…' : 'Preview'}
          </button>
        </div>
      </form>
      {error && !error.forField('opportunityId') ? <ErrorNote error={error} title="No preview" /> : null}
      {preview ? (
        <div className="preview-result" aria-live="polite">
          <p>
            <strong>{preview.wouldSend ? 'This would send.' : 'This would send nothing.'}</strong>{' '}
            {preview.opportunity
              ? `Candidate now at ${preview.opportunity.stageName ?? 'an unknown stage'}, tags: ${preview.opportunity.tags.join(', ') || 'none'}.`
              : null}
          </p>
          {preview.reasons.map((r) => (
            <p key={r.code} className="sub">
              {r.message}
            </p>
          ))}
          <ul className="check-list">
            {preview.rules.map((r) => (
              <li key={r.ruleId + String(r.fires)} className={r.outcome === 'send' ? 'check check-ok' : 'check check-bad'}>
                <span className="check-mark" aria-hidden="true">
                  {r.outcome === 'send' ? '✓' : '–'}
                </span>
                <div>
                  <strong>
                    {r.ruleId === (draft.id ?? '00000000-0000-0000-0000-000000000000')
                      ? 'This configuration'
                      : 'Another rule at this stage'}
                  </strong>
                  {': '}
                  {KIND_LABEL[r.kind]}
                  {r.requiredTag ? `, tag ${r.requiredTag}` : ''}
                  {r.test ? `, test ${r.test.name}` : ''} –{' '}
                  {r.outcome === 'send' ? 'sends' : r.outcome === 'record_error' ? 'records an error in Lever' : 'does nothing'}
                  {r.reason ? <p>{r.reason.message}</p> : null}
                  {r.tagsToAdd.length ? <p className="sub">Tags added: {r.tagsToAdd.join(', ')}</p> : null}
                  {r.linksToAdd.length ? <p className="sub">Links added: {r.linksToAdd.map((l) => l.description).join(', ')}</p> : null}
                </div>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
