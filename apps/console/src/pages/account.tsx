import { useState, type FormEvent } from 'react';
import { ApiError, accountPath, api, type Account, type ConnectionCheck, type ConnectionTest } from '../api';
import { Badge, CopyButton, Empty, ErrorNote, Field, Loading, Notice, asApiError, useLoad, when } from '../ui';

const CHECK_NAMES: Record<string, string> = {
  stages: 'Read stages',
  opportunities: 'Read candidates (opportunities)',
  performAsUser: 'Act as the integration user',
  storedKey: 'Stored key readable',
  writeTags: 'Write tags',
  writeLinks: 'Write links',
  writeNotes: 'Write notes',
  confidentialAccess: 'See confidential candidates',
  tagCreation: 'Create new tags',
  webhooks: 'Webhooks in Lever',
  connection: 'Reach Lever',
};

const humanize = (name: string) => CHECK_NAMES[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]/g, ' ');

/** One account: connect Lever (key or OAuth), test it, the webhook URL, webhook registration. */
export function AccountPage({ accountId, vendor, oauth }: { accountId: string; vendor: boolean; oauth: boolean }) {
  const { data: account, error, loading, reload } = useLoad(() => api<Account>('GET', accountPath(accountId)), [accountId]);
  if (loading && !account) return <Loading what="the account" />;
  if (!account) return <ErrorNote error={error} title="Could not load the account" />;
  return (
    <>
      <div className="page-head">
        <h1>{account.name}</h1>
        <Badge value={account.status} />
      </div>
      {account.health.problem ? (
        <Notice tone="warn">
          <strong>Lever key: </strong>
          {account.health.problem}
        </Notice>
      ) : null}
      <ConnectLever account={account} oauthOffered={oauth} onChanged={reload} />
      <Webhooks account={account} />
      {vendor ? <AccountTokens account={account} /> : null}
    </>
  );
}

/** `oauthOffered`: the server can connect with OAuth, so the page offers it beside the key. */
function ConnectLever({ account, oauthOffered, onChanged }: { account: Account; oauthOffered: boolean; onChanged: () => void }) {
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState<'save' | 'test' | 'oauth' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<ConnectionTest | null>(null);
  const [oauth, setOauth] = useState<{ authorizeUrl: string } | null>(null);

  const test = async () => {
    setResult(await api<ConnectionTest>('POST', accountPath(account.id, '/lever/test-connection')));
    onChanged();
  };

  const run = async (kind: 'save' | 'test' | 'oauth', work: () => Promise<void>) => {
    setBusy(kind);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    void run('save', async () => {
      if (!apiKey.trim())
        throw new ApiError(400, 'VALIDATION_FAILED', 'Paste the key first.', [
          { field: 'lever.apiKey', messages: ['Paste the API key from Lever.'] },
        ]);
      await api('PATCH', accountPath(account.id), { lever: { apiKey: apiKey.trim() } });
      setApiKey('');
      await test();
    });
  };

  const startOAuth = () =>
    void run('oauth', async () => {
      try {
        setOauth(await api<{ authorizeUrl: string }>('POST', accountPath(account.id, '/lever/oauth/start')));
      } catch (err) {
        const e = asApiError(err);
        if (e.code === 'LEVER_OAUTH_NOT_CONFIGURED') {
          throw new ApiError(409, e.code, 'Connecting with OAuth is not set up on this server. Paste an API key instead.');
        }
        throw e;
      }
    });

  return (
    <section className="card" aria-labelledby="connect-title">
      <h2 id="connect-title">Connect Lever</h2>
      <p>
        Connected with {account.lever.authKind === 'oauth' ? 'OAuth' : 'an API key'}. Key health:{' '}
        <Badge value={account.health.status} label={account.health.status === 'unchecked' ? 'not checked yet' : undefined} />{' '}
        {account.health.checkedAt ? <span className="sub">checked {when(account.health.checkedAt)}</span> : null}
      </p>
      <form onSubmit={save} className="inline-form">
        <Field
          label="Lever API key"
          hint="In Lever: Settings > Integrations and API > API credentials. Give it stages, opportunities, tags, links and notes, with confidential access."
          error={error?.forField('lever.apiKey')}
        >
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" disabled={busy !== null}>
            {busy === 'save' ? 'Saving and testing…' : 'Save key and test'}
          </button>
          <button type="button" className="secondary" disabled={busy !== null} onClick={() => void run('test', test)}>
            {busy === 'test' ? 'Testing…' : 'Test the connection'}
          </button>
          {oauthOffered ? (
            <button type="button" className="secondary" disabled={busy !== null} onClick={startOAuth}>
              {busy === 'oauth' ? 'Starting…' : 'Connect with OAuth instead'}
            </button>
          ) : null}
        </div>
      </form>
      {error && !error.forField('lever.apiKey') ? <ErrorNote error={error} /> : null}
      {oauth ? (
        <Notice>
          Open{' '}
          <a href={oauth.authorizeUrl} target="_blank" rel="noreferrer noopener">
            Lever&apos;s approval page
          </a>{' '}
          as a Lever admin of this company (the link works once, for 10 minutes). The account is connected when Lever sends you back.
        </Notice>
      ) : null}
      {result ? <Checks result={result} /> : null}
    </section>
  );
}

function Checks({ result }: { result: ConnectionTest }) {
  return (
    <div className="checks" aria-live="polite">
      <h3>
        {!result.ok
          ? 'Some checks failed'
          : result.checks.some((c) => c.severity === 'warning')
            ? 'Every check passed, with warnings'
            : 'Every check passed'}
      </h3>
      <ul className="check-list">
        {result.checks.map((check, i) => (
          <CheckRow key={`${check.name}-${i}`} check={check} />
        ))}
      </ul>
      <p className="sub">Account status after the test: {result.accountStatus}</p>
    </div>
  );
}

/** Any check the server returns: its name, pass or fail, what was found and how to fix it. */
function CheckRow({ check }: { check: ConnectionCheck }) {
  const text = [check.problem, check.detail].find((t) => typeof t === 'string' && t);
  const outcome = !check.ok ? 'failed' : check.severity === 'warning' ? 'warning' : 'passed';
  return (
    <li className={`check check-${outcome === 'failed' ? 'bad' : outcome === 'warning' ? 'warn' : 'ok'}`}>
      <span className="check-mark" aria-hidden="true">
        {outcome === 'failed' ? '✗' : outcome === 'warning' ? '!' : '✓'}
      </span>
      <div>
        <strong>{humanize(check.name)}</strong>{' '}
        <Badge value={outcome === 'failed' ? 'error' : outcome === 'warning' ? 'missing_permission' : 'ok'} label={outcome} />
        {text ? <p>{text}</p> : null}
        {check.fix ? (
          <p className="fix">
            <strong>How to fix: </strong>
            {check.fix}
          </p>
        ) : null}
      </div>
    </li>
  );
}

interface WebhookState {
  title: string;
  body: unknown;
}

function Webhooks({ account }: { account: Account }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [state, setState] = useState<WebhookState | null>(null);

  const call = async (method: 'GET' | 'POST', path: string, title: string) => {
    setBusy(true);
    setError(null);
    try {
      setState({ title, body: await api<unknown>(method, accountPath(account.id, path)) });
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <Field
        label="Webhook URL"
        hint="Paste it in Lever: Settings > Integrations and API > Webhooks, for Candidate Stage Change (and archive, hire, delete)."
      >
        {(props) => (
          <div className="with-button">
            <input {...props} readOnly value={account.webhookUrl} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton value={account.webhookUrl} label="Copy the webhook URL" />
          </div>
        )}
      </Field>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => void call('POST', '/lever/webhooks/sync', 'Registered in Lever')}
        >
          Register webhooks in Lever
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => void call('GET', '/lever/webhooks', 'Webhooks in Lever')}
        >
          Check the webhooks in Lever
        </button>
      </div>
      <ErrorNote error={error} title="Webhooks" />
      {state ? <WebhookResult state={state} /> : null}
    </section>
  );
}

/** The answer of the registration or drift check, whatever its exact shape: list what it holds. */
function WebhookResult({ state }: { state: WebhookState }) {
  const body = (state.body ?? {}) as Record<string, unknown>;
  const list = Object.values(body).find((v) => Array.isArray(v)) as Record<string, unknown>[] | undefined;
  return (
    <div className="checks">
      <h3>{state.title}</h3>
      {list && list.length ? (
        <ul className="check-list">
          {list.map((item, i) => {
            const ok = item.ok !== false && (item.status === undefined || item.status === 'ok');
            const name = String(item.event ?? item.name ?? item.id ?? `item ${i + 1}`);
            const text = [item.problem, item.detail, item.action && `Webhook ${String(item.action)}`, item.status, item.url].find(
              (v) => typeof v === 'string' && v,
            ) as string | undefined;
            return (
              <li key={i} className={ok ? 'check check-ok' : 'check check-bad'}>
                <span className="check-mark" aria-hidden="true">
                  {ok ? '✓' : '✗'}
                </span>
                <div>
                  <strong>{name}</strong>
                  {text ? <p>{text}</p> : null}
                  {typeof item.fix === 'string' ? (
                    <p className="fix">
                      <strong>How to fix: </strong>
                      {item.fix}
                    </p>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : (
        <p>Done.</p>
      )}
      {typeof body.problem === 'string' && body.problem ? <p className="field-error">{body.problem}</p> : null}
      {typeof body.reminder === 'string' && body.reminder ? <p className="sub">{body.reminder}</p> : null}
    </div>
  );
}

interface AccessToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Vendor admins: tokens for the customer's own admin, limited to this account (the API enforces it). */
function AccountTokens({ account }: { account: Account }) {
  const tokens = useLoad(() => api<{ items: AccessToken[] }>('GET', accountPath(account.id, '/access-tokens')), [account.id]);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const token = await api<{ name: string; token: string }>('POST', accountPath(account.id, '/access-tokens'), { name: name.trim() });
      setCreated(token);
      setName('');
      tokens.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  };

  const revoke = async (token: AccessToken) => {
    if (!window.confirm(`Revoke "${token.name}"? Whoever uses it is signed out at once.`)) return;
    setError(null);
    try {
      await api('DELETE', accountPath(account.id, `/access-tokens/${token.id}`));
      tokens.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  };

  const live = tokens.data?.items.filter((t) => !t.revokedAt) ?? [];
  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Access for the customer&apos;s admin</h2>
      <p className="sub">
        An account token signs in to this account only: it cannot see or change any other account, in the console or through the API.
      </p>
      <form onSubmit={(e) => void create(e)} className="inline-form">
        <Field label="Token name" hint="Who uses it, e.g. the customer's admin's name." error={error?.forField('name')}>
          {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} required />}
        </Field>
        <div className="actions">
          <button type="submit" disabled={!name.trim()}>
            Create an account token
          </button>
        </div>
      </form>
      {created ? (
        <Notice>
          <p>
            <strong>{created.name}</strong>: copy the token now, it is not shown again.
          </p>
          <div className="with-button">
            <input aria-label="The new account token" readOnly value={created.token} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton value={created.token} label="Copy the new account token" />
          </div>
        </Notice>
      ) : null}
      {error && !error.forField('name') ? <ErrorNote error={error} /> : null}
      <ErrorNote error={tokens.error} title="Could not load the tokens" />
      {tokens.loading && !tokens.data ? <Loading what="tokens" /> : null}
      {tokens.data && live.length === 0 ? <Empty title="No account tokens">Create one for the customer&apos;s admin.</Empty> : null}
      {live.length ? (
        <ul className="plain token-list">
          {live.map((t) => (
            <li key={t.id}>
              <strong>{t.name}</strong>{' '}
              <span className="sub">
                created {when(t.createdAt)}, last used {when(t.lastUsedAt)}
              </span>{' '}
              <button type="button" className="danger small" onClick={() => void revoke(t)} aria-label={`Revoke ${t.name}`}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
