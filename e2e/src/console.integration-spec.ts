import { TEST_REDIS_URL, eventually } from '@lever-assess/testing';
import { Queue } from 'bullmq';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ADMIN_TOKEN, FlowHarness, LEVER_KEY } from './flow-harness';

/**
 * The console (issue 18) in a real browser: Debian's chromium driven by playwright-core (never a
 * downloaded browser), headless, against the built config-api, gateway, workers and sandboxes.
 * Screenshots go to .run/console-screenshots; `UPDATE_CONSOLE_SCREENSHOTS=1` writes the ones the
 * README shows (docs/console/*.png) instead.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The flags docs/toolchain.md lists for this network: no background traffic, no GPU, no sandbox (root in CI).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ROOT = join(__dirname, '..', '..');
const SHOTS = process.env.UPDATE_CONSOLE_SCREENSHOTS === '1' ? join(ROOT, 'docs/console') : join(ROOT, '.run/console-screenshots');
const PAD_TAG = 'Pair Pad';

describe('console in a browser (issue 18)', () => {
  const harness = new FlowHarness();
  let browser: Browser;
  let demoAccountId: string;
  let otherAccountId: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    mkdirSync(SHOTS, { recursive: true });
    [browser] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
      harness.start({ configApi: true }),
    ]);
    const accounts = await harness.admin<{ items: { id: string; name: string }[] }>('GET', '/v1/accounts');
    demoAccountId = accounts.items.find((a) => a.name === 'Acme (demo)')!.id;
    const other = await harness.admin<{ id: string }>('POST', '/v1/accounts', {
      name: 'Globex',
      tagPrefix: 'Globex Test',
      platformAccountId: 'globex',
      lever: { apiKey: 'globex-lever-key', signatureToken: 'globex-signature-token' },
    });
    otherAccountId = other.id;
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await harness.stop();
  });

  const newPage = async (width = 1280, height = 900): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return { context, page };
  };
  const consoleUrl = () => `${harness.configApiUrl}/console/`;
  const shot = (page: Page, name: string, mask: Locator[] = []) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, mask });

  it('a vendor admin signs in, connects the demo account, adds a tagged live pad from the stage list, and sees the pad link of a moved candidate', async () => {
    const { context, page } = await newPage();
    await page.goto(consoleUrl());
    await page.getByRole('heading', { name: 'Sign in to the lever-assess console' }).waitFor();
    await shot(page, 'sign-in');
    await page.getByLabel('Token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    await page.getByRole('link', { name: 'Acme (demo)' }).waitFor();

    // The cookie: httpOnly, SameSite=Strict (no Secure on plain http); the token is nowhere in the page's storage.
    const cookies = await context.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'la_console_session', httpOnly: true, sameSite: 'Strict', secure: false })]);
    const storage = String(await page.evaluate('JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])'));
    expect(storage).toBe('[[],[]]');
    expect(await page.content()).not.toContain(ADMIN_TOKEN);
    await shot(page, 'accounts');

    // Connect Lever: paste the key, every check passes (whatever checks the server runs).
    await page.getByRole('link', { name: 'Acme (demo)' }).click();
    await page.getByRole('heading', { name: 'Connect Lever' }).waitFor();
    // This server has no LEVER_OAUTH_*: OAuth is not offered (npm start, which has it, shows it).
    expect(await page.getByRole('button', { name: 'Connect with OAuth instead' }).count()).toBe(0);
    await page.getByLabel('Lever API key').fill(LEVER_KEY);
    await page.getByRole('button', { name: 'Save key and test' }).click();
    await page.getByRole('heading', { name: 'Every check passed' }).waitFor();
    expect(await page.locator('.check-bad').count()).toBe(0);
    expect(await page.locator('.check-ok').count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByRole('textbox', { name: 'Webhook URL' }).inputValue()).toBe(harness.webhookUrl);
    // Registering webhooks through Lever's API (issue 17): a result, or a readable error where the server lacks it.
    await page.getByRole('button', { name: 'Register webhooks in Lever' }).click();
    await page.locator('.error-note, .checks h3:text("Registered in Lever")').first().waitFor();
    expect(await page.locator('.error-note').allTextContents()).not.toContainEqual(expect.stringMatching(/Cannot POST|Not Found|HTTP_/));
    await shot(page, 'connect-lever');

    // A candidate carrying the tag, still at New applicant.
    const opportunityId = await harness.addCandidate('Grace Hopper', ['grace@candidates.example'], [PAD_TAG]);

    // Configurations: the stage is picked from the account's live Lever stages.
    await page.getByRole('link', { name: 'Configurations' }).click();
    await page.getByRole('button', { name: 'Add a configuration' }).click();
    const stage = page.getByLabel('Lever stage');
    await eventually(async () => (await stage.locator('option').count()) > 3);
    expect(await stage.locator('option').allTextContents()).toEqual(expect.arrayContaining(['Recruiter Screen', 'Coding Test', 'Onsite']));
    await stage.selectOption({ label: 'Recruiter Screen' });
    await page.getByLabel('Kind').selectOption({ label: 'Live interview pad' });
    await page.getByLabel('Tag (optional)').fill(PAD_TAG);
    await page.getByRole('button', { name: 'Import tests from the platform' }).click();
    await page.getByText(/^Imported from the platform: \d+ new, \d+ updated, \d+ unchanged\.$/).waitFor();
    // A field's error is shown beside the field: fail threshold above pass.
    await page.getByLabel('Pass threshold (0-100)').fill('40');
    await page.getByLabel('Fail threshold (0-100)').fill('70');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.field-invalid').first().waitFor();
    expect(await page.locator('.field-error').allTextContents()).not.toEqual([]);
    await page.getByLabel('Pass threshold (0-100)').fill('');
    await page.getByLabel('Fail threshold (0-100)').fill('');
    // Preview before saving.
    await page.getByLabel('Lever opportunity id').fill(opportunityId);
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.getByText('This would send.').waitFor();
    await shot(page, 'configurations-preview');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('The configuration was added.').waitFor();
    await page.getByRole('cell', { name: PAD_TAG }).first().waitFor();
    await shot(page, 'configurations');

    // A recruiter moves the candidate in Lever; the pad link appears on the candidate's page.
    await harness.moveTo(opportunityId, 'Recruiter Screen');
    await harness.untilStatus(opportunityId, 'Live Pad');
    await harness.idle();
    await page.getByRole('link', { name: 'Candidates' }).click();
    const search = page.getByLabel('Lever opportunity id or email');
    await search.fill('grace@candidates.example');
    await page.getByRole('button', { name: 'Find' }).click();
    // By email (through Lever), then by the opportunity id.
    await eventually(
      async () => page.url().includes(opportunityId) || (await page.getByRole('link', { name: 'Grace Hopper' }).count()) > 0,
    );
    await search.fill(opportunityId);
    await page.getByRole('button', { name: 'Find' }).click();
    const padLink = page.locator('a.pad-link');
    await padLink.waitFor().catch(async (err: unknown) => {
      await shot(page, 'failure');
      throw err;
    });
    const [invitation] = await harness.invitationsFor('grace@candidates.example', 1);
    expect(await padLink.getAttribute('href')).toBe(invitation.candidateUrl);
    await page.getByText('Links added in Lever').waitFor();
    await page.getByText('Invitation created').waitFor();
    await shot(page, 'candidates');
    // Resend (Lever brought up to date again), then cancel (confirmed in a dialog) on the platform.
    await page.getByRole('button', { name: 'Resend' }).click();
    await page.getByText(/^Sent again/).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('The invitation was canceled.').waitFor();
    await page.locator('.assessment .badge', { hasText: 'canceled' }).waitFor();
    await harness.untilStatus(opportunityId, 'Canceled');

    await page.getByRole('link', { name: 'Failed jobs' }).click();
    await page.getByRole('heading', { name: 'Failed jobs' }).waitFor();
    await page.getByText('No failed jobs').waitFor();
    await shot(page, 'failed-jobs');

    // Readable at 390 px: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${consoleUrl()}#/accounts`);
    await page.getByRole('link', { name: 'Acme (demo)' }).waitFor();
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await shot(page, 'accounts-390');
    await page.goto(`${consoleUrl()}#/accounts/${demoAccountId}/candidates/${opportunityId}`);
    await padLink.waitFor();
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    for (const [section, ready] of [
      ['', 'Every check passed|Connect Lever'],
      ['configurations', PAD_TAG],
      ['failed-jobs', 'No failed jobs'],
    ] as const) {
      await page.goto(`${consoleUrl()}#/accounts/${demoAccountId}${section ? `/${section}` : ''}`);
      await page.getByText(new RegExp(ready)).first().waitFor();
      expect({ section, width: Number(await page.evaluate('document.documentElement.scrollWidth')) }).toEqual({ section, width: 390 });
    }

    // CSRF: a change sent with the cookie but without the page's token is refused.
    const status = await page.evaluate(
      `fetch('/v1/accounts/${demoAccountId}', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' }).then((r) => r.status)`,
    );
    expect(status).toBe(403);
    await context.close();
  });

  it("an account token's session sees and changes only its own account, in the page and through the API", async () => {
    // The vendor admin creates the account token on the account's page (shown once).
    const vendor = await newPage();
    await vendor.page.goto(consoleUrl());
    await vendor.page.getByLabel('Token').fill(ADMIN_TOKEN);
    await vendor.page.getByRole('button', { name: 'Sign in' }).click();
    await vendor.page.getByRole('link', { name: 'Acme (demo)' }).click();
    await vendor.page.getByLabel('Token name').fill('Acme admin');
    await vendor.page.getByRole('button', { name: 'Create an account token' }).click();
    const shown = vendor.page.getByRole('textbox', { name: 'The new account token' });
    const token = await shown.inputValue();
    expect(token).toMatch(/^la_/);
    await vendor.page.locator('.token-list li', { hasText: 'Acme admin' }).waitFor();
    // The token is blacked out in the picture (the README shows it).
    await shot(vendor.page, 'account-tokens', [shown]);
    await vendor.context.close();

    const { context, page } = await newPage();
    await page.goto(consoleUrl());
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Acme (demo)' }).waitFor();
    expect(page.url()).toContain(`#/accounts/${demoAccountId}`);
    await page.getByText('(this account only)').waitFor();
    expect(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Accounts' }).count()).toBe(0);

    // Asking the page for another account lands back on its own.
    await page.goto(`${consoleUrl()}#/accounts/${otherAccountId}/configurations`);
    await eventually(() => page.url().includes(`#/accounts/${demoAccountId}`));
    await page.getByRole('heading', { name: 'Acme (demo)' }).waitFor();

    // Through the API with the same session (and its CSRF token): refused.
    const answers = JSON.parse(
      String(
        await page.evaluate(`(async () => {
          const session = await (await fetch('/v1/session')).json();
          const headers = { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken };
          const read = await fetch('/v1/accounts/${otherAccountId}');
          const write = await fetch('/v1/accounts/${otherAccountId}', { method: 'PATCH', headers, body: '{"name":"taken"}' });
          const rules = await fetch('/v1/accounts/${otherAccountId}/trigger-rules');
          const list = await (await fetch('/v1/accounts')).json();
          const own = await fetch('/v1/accounts/${demoAccountId}', { method: 'PATCH', headers, body: '{"notifyFollowers":false}' });
          return JSON.stringify({ read: read.status, write: write.status, rules: rules.status, total: list.total, own: own.status });
        })()`),
      ),
    );
    expect(answers).toEqual({ read: 403, write: 403, rules: 403, total: 1, own: 200 });
    expect((await harness.admin<{ name: string }>('GET', `/v1/accounts/${otherAccountId}`)).name).toBe('Globex');
    await context.close();
  });

  it("npm start's one-time sign-in link (scripts/console-link.js) signs the demo account's admin in, once", async () => {
    const made = spawnSync(process.execPath, [join(ROOT, 'scripts/console-link.js')], {
      env: { ...process.env, CONFIG_API_URL: harness.configApiUrl, ADMIN_TOKEN },
      encoding: 'utf8',
    });
    expect(made.status).toBe(0);
    const url = made.stdout.trim();
    expect(url).toMatch(new RegExp(`^${harness.configApiUrl}/console/#code=[A-Za-z0-9_-]{32}$`));
    const first = await newPage();
    await first.page.goto(url);
    await first.page.getByRole('heading', { name: 'Acme (demo)' }).waitFor();
    // The code is gone from the address bar.
    expect(first.page.url()).not.toContain('code=');
    await first.context.close();
    const second = await newPage();
    await second.page.goto(url);
    await second.page.getByText('already used or has expired').waitFor();
    await second.context.close();
  });

  it('failed jobs: the reason listed, replay one, replay all that match', async () => {
    // Two lever-sync jobs the worker refuses for good (no correlationId: an invalid payload).
    const queue = new Queue('lever-sync', { connection: { url: TEST_REDIS_URL }, prefix: harness.env.QUEUE_PREFIX });
    try {
      for (const n of [1, 2]) {
        await queue.add(
          'lever-sync',
          { accountId: demoAccountId, opportunityId: `opp-broken-${n}`, assessmentId: 'x' },
          { jobId: `console-e2e-${n}` },
        );
      }
      await eventually(async () => (await queue.getFailedCount()) === 2, { timeoutMs: 20_000 });
    } finally {
      await queue.close();
    }
    const { context, page } = await newPage();
    await page.goto(consoleUrl());
    await page.getByLabel('Token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    await page.goto(`${consoleUrl()}#/accounts/${demoAccountId}/failed-jobs`);
    await page.getByRole('link', { name: 'opp-broken-1' }).waitFor();
    await page.getByRole('link', { name: 'opp-broken-2' }).waitFor();
    await shot(page, 'failed-jobs');
    await page.getByRole('button', { name: 'Replay job console-e2e-1' }).click();
    await page.getByText('Job console-e2e-1 replayed.').waitFor();
    await page.getByLabel('Queue').selectOption('lever-sync');
    await page.getByRole('link', { name: 'opp-broken-2' }).waitFor();
    await page.getByRole('button', { name: 'Replay all that match' }).click();
    await page.getByText(/job\(s\) replayed/).waitFor();
    await context.close();
  });
});
