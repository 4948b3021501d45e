import { useEffect, useState } from 'react';
import { api, setCsrfToken, whenSignedOut, type Session } from './api';
import { AccountPage } from './pages/account';
import { AccountsPage } from './pages/accounts';
import { CandidatesPage } from './pages/candidates';
import { ConfigurationsPage } from './pages/configurations';
import { FailedJobsPage } from './pages/failed-jobs';
import { SignInPage } from './pages/sign-in';
import { go, href, useRoute } from './router';
import { ErrorNote, Loading, asApiError } from './ui';
import type { ApiError } from './api';

type Boot = { state: 'loading' } | { state: 'signed-out'; error?: ApiError } | { state: 'signed-in'; session: Session };

export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });

  const signedIn = (session: Session) => {
    setCsrfToken(session.csrfToken);
    setBoot({ state: 'signed-in', session });
  };

  useEffect(() => {
    whenSignedOut(() => {
      setCsrfToken(null);
      setBoot({ state: 'signed-out' });
    });
    const code = /^#code=([A-Za-z0-9_-]+)$/.exec(window.location.hash)?.[1];
    if (code) {
      // A one-time sign-in link: take the code out of the address bar before anything else.
      window.history.replaceState(null, '', `${window.location.pathname}#/`);
      api<Session>('POST', '/v1/session/link', { code }).then(signedIn, (error: unknown) =>
        setBoot({ state: 'signed-out', error: asApiError(error) }),
      );
      return;
    }
    api<Session>('GET', '/v1/session').then(signedIn, () => setBoot({ state: 'signed-out' }));
  }, []);

  if (boot.state === 'loading') {
    return (
      <main className="centered">
        <Loading what="the console" />
      </main>
    );
  }
  if (boot.state === 'signed-out') return <SignInPage onSignedIn={signedIn} linkError={boot.error} />;
  return <Shell session={boot.session} onSignedOut={() => setBoot({ state: 'signed-out' })} />;
}

function Shell({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const route = useRoute();
  const scope = session.actor.accountId;
  const [signOutError, setSignOutError] = useState<ApiError | null>(null);

  useEffect(() => {
    // An account's own admin lands on their account; nothing else is theirs to see.
    if (scope && (route[0] !== 'accounts' || route[1] !== scope)) go('accounts', scope);
  }, [scope, route]);

  const signOut = async () => {
    try {
      await api('DELETE', '/v1/session');
      setCsrfToken(null);
      window.location.hash = '#/';
      onSignedOut();
    } catch (error) {
      setSignOutError(asApiError(error));
    }
  };

  const accountId = route[0] === 'accounts' ? route[1] : undefined;
  const section = route[2] ?? 'lever';
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={scope ? href('accounts', scope) : href('accounts')}>
          lever-assess <span>console</span>
        </a>
        <div className="who">
          <span>
            Signed in as <strong>{session.actor.name}</strong>
            {scope ? ' (this account only)' : ' (vendor admin)'}
          </span>
          <button type="button" className="secondary small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <ErrorNote error={signOutError} title="Could not sign out" />
      <nav className="tabs" aria-label="Sections">
        {!scope ? (
          <a href={href('accounts')} aria-current={!accountId && route[0] !== 'failed-jobs' ? 'page' : undefined}>
            Accounts
          </a>
        ) : null}
        {accountId ? (
          <>
            <a href={href('accounts', accountId)} aria-current={section === 'lever' ? 'page' : undefined}>
              Connect Lever
            </a>
            <a href={href('accounts', accountId, 'configurations')} aria-current={section === 'configurations' ? 'page' : undefined}>
              Configurations
            </a>
            <a href={href('accounts', accountId, 'candidates')} aria-current={section === 'candidates' ? 'page' : undefined}>
              Candidates
            </a>
            <a href={href('accounts', accountId, 'failed-jobs')} aria-current={section === 'failed-jobs' ? 'page' : undefined}>
              Failed jobs
            </a>
          </>
        ) : !scope ? (
          <a href={href('failed-jobs')} aria-current={route[0] === 'failed-jobs' ? 'page' : undefined}>
            Failed jobs (all accounts)
          </a>
        ) : null}
      </nav>
      <main id="main" tabIndex={-1}>
        <Page route={route} scope={scope} oauth={session.leverOAuth !== false} />
      </main>
    </div>
  );
}

function Page({ route, scope, oauth }: { route: string[]; scope: string | null; oauth: boolean }) {
  const [top, accountId, section] = route;
  if (top === 'failed-jobs' && !scope) return <FailedJobsPage accountId={null} />;
  if (top === 'accounts' && accountId) {
    if (scope && accountId !== scope) return <Loading what="your account" />;
    if (section === 'configurations') return <ConfigurationsPage accountId={accountId} />;
    if (section === 'candidates') return <CandidatesPage accountId={accountId} opportunityId={route[3]} />;
    if (section === 'failed-jobs') return <FailedJobsPage accountId={accountId} />;
    return <AccountPage accountId={accountId} vendor={!scope} oauth={oauth} />;
  }
  if (scope) return <Loading what="your account" />;
  return <AccountsPage />;
}
