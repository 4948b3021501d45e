import { useState, type FormEvent } from 'react';
import { api, type ApiError, type Session } from '../api';
import { ErrorNote, Field, asApiError } from '../ui';

export function SignInPage({ onSignedIn, linkError }: { onSignedIn: (session: Session) => void; linkError?: ApiError }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(linkError);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim()) {
      setError(undefined);
      return;
    }
    setBusy(true);
    try {
      const session = await api<Session>('POST', '/v1/session', { token: token.trim() });
      // The token is not kept anywhere: the session cookie (httpOnly) stands for it from now on.
      setToken('');
      onSignedIn(session);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to the lever-assess console</h1>
        <p>
          Paste the token you were given: a vendor admin token, or your company&apos;s account token. It is exchanged for a session in this
          browser and not stored.
        </p>
        <ErrorNote error={error} title={linkError && error === linkError ? 'The sign-in link did not work' : 'Not signed in'} />
        <Field label="Token" hint="Starts with la_ (or the server's ADMIN_TOKEN)">
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={token}
              onChange={(e) => setToken(e.target.value)}
              required
            />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
