import { api, type Account, type Overview } from '../api';
import { href } from '../router';
import { Badge, Empty, ErrorNote, Loading, useLoad, when } from '../ui';

interface Row {
  account: Account;
  overview: Overview | null;
}

const HEALTH_LABEL: Record<string, string> = {
  ok: 'working',
  key_revoked: 'key revoked',
  missing_permission: 'permission missing',
  unknown: 'not checked yet',
  unchecked: 'not checked yet',
};

/** Vendor admins: every customer account, with what needs attention. */
export function AccountsPage() {
  const { data, error, loading, reload } = useLoad(async (): Promise<Row[]> => {
    const page = await api<{ items: Account[] }>('GET', '/v1/accounts?limit=200');
    return Promise.all(
      page.items.map(async (account) => ({
        account,
        overview: await api<Overview>('GET', `/v1/accounts/${account.id}/overview`).catch(() => null),
      })),
    );
  }, []);

  return (
    <section aria-labelledby="accounts-title">
      <div className="page-head">
        <h1 id="accounts-title">Accounts</h1>
        <button type="button" className="secondary" onClick={reload} disabled={loading}>
          Refresh
        </button>
      </div>
      <ErrorNote error={error} title="Could not load the accounts" />
      {loading && !data ? <Loading what="accounts" /> : null}
      {data && data.length === 0 ? (
        <Empty title="No accounts yet">
          Create one with <code>POST /v1/accounts</code> (see the API docs at <a href="/docs">/docs</a>); it appears here with its status
          and health.
        </Empty>
      ) : null}
      {data && data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Customer accounts</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Status</th>
                <th scope="col">Lever key</th>
                <th scope="col">Backlog</th>
                <th scope="col">Last webhook</th>
                <th scope="col">Recent errors</th>
              </tr>
            </thead>
            <tbody>
              {data.map(({ account, overview }) => (
                <tr key={account.id}>
                  <td data-label="Account">
                    <a href={href('accounts', account.id)}>{account.name}</a>
                    <div className="sub">{account.tagPrefix}</div>
                  </td>
                  <td data-label="Status">
                    <Badge value={account.status} />
                    {account.statusReason ? <div className="sub">{account.statusReason}</div> : null}
                  </td>
                  <td data-label="Lever key">
                    <Badge value={account.health.status} label={HEALTH_LABEL[account.health.status] ?? account.health.status} />
                    {account.health.problem ? <div className="sub">{account.health.problem}</div> : null}
                  </td>
                  <td data-label="Backlog">
                    {overview ? (
                      <>
                        {overview.openAssessments} open · {overview.parkedJobs} waiting ·{' '}
                        {overview.failedJobs ? (
                          <a href={href('accounts', account.id, 'failed-jobs')}>{overview.failedJobs} failed</a>
                        ) : (
                          '0 failed'
                        )}
                      </>
                    ) : (
                      'unavailable'
                    )}
                  </td>
                  <td data-label="Last webhook">{overview ? when(overview.lastWebhookAt) : 'unavailable'}</td>
                  <td data-label="Recent errors">
                    {overview && overview.recentErrors.length ? (
                      <ul className="plain">
                        {overview.recentErrors.slice(0, 3).map((e, i) => (
                          <li key={i}>
                            <a href={href('accounts', account.id, 'candidates', e.opportunityId)}>{e.code ?? e.type}</a>{' '}
                            <span className="sub">{when(e.at)}</span>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      'none'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
