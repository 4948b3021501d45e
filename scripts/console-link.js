#!/usr/bin/env node
// Prints a one-time sign-in link to the console (issue 18): `npm start` calls it for the demo
// account's admin; `npm run console:link` makes a new one (the link works once, for
// CONSOLE_LINK_MINUTES, default 60). `-- --vendor` makes a vendor admin link instead.
// The code is in the URL's fragment: the browser never sends it to a server, so no log holds it,
// and once used (or expired) the printed link is worthless.
const base = (process.env.CONFIG_API_URL || 'http://127.0.0.1:3001').replace(/\/+$/, '');
const token = process.env.ADMIN_TOKEN || 'dev-admin-token-change-me';
const accountName = process.env.CONSOLE_LINK_ACCOUNT || 'Acme (demo)';
const minutes = Number(process.env.CONSOLE_LINK_MINUTES || 60);
const vendor = process.argv.includes('--vendor');

async function call(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
  return JSON.parse(text);
}

async function main() {
  let accountId;
  if (!vendor) {
    const { items } = await call('GET', '/v1/accounts?limit=200');
    const account = items.find((a) => a.name === accountName);
    if (!account) throw new Error(`No account named "${accountName}" (set CONSOLE_LINK_ACCOUNT, or pass --vendor)`);
    accountId = account.id;
  }
  const link = await call('POST', '/v1/sign-in-links', {
    name: vendor ? 'vendor admin (console link)' : `${accountName} admin`,
    ...(accountId ? { accountId } : {}),
    expiresInMinutes: minutes,
  });
  console.log(`${base}${link.path}`);
}

main().catch((err) => {
  console.error(`console-link: ${err.message}`);
  process.exit(1);
});
