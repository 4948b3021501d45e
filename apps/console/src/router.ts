import { useEffect, useState } from 'react';

/**
 * Routes live in the fragment (`#/accounts/<id>/configurations`): the server serves one page for
 * every /console path, and the sign-in link's `#code=` never reaches a server or a log.
 */
export function useRoute(): string[] {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;

export function go(...parts: string[]): void {
  window.location.hash = href(...parts);
}
