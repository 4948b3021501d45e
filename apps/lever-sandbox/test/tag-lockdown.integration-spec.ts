import { ACME_COMPANY_ID, ACME_OPPORTUNITY_IDS as OPP, ACME_OVERRIDE_TAG, ACME_USER_IDS as USER } from '../src/seed/acme.seed';
import { basicAuth, startSandbox, type RunningSandbox } from './support/sandbox-harness';

const KEY = 'tag-lockdown-test-key';

describe('lever-sandbox tag lockdown (tagCreation: super-admins)', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ LEVER_SANDBOX_API_KEY: KEY });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.control.reset());

  const addTags = async (opportunityId: string, tags: string[], performAs?: string) => {
    const query = performAs ? `?perform_as=${performAs}` : '';
    const res = await fetch(`${sandbox.apiUrl}/opportunities/${opportunityId}/addTags${query}`, {
      method: 'POST',
      headers: { Authorization: basicAuth(KEY), 'Content-Type': 'application/json' },
      body: JSON.stringify({ tags }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const companySettings = async (companyId = ACME_COMPANY_ID) =>
    (await sandbox.control.call<{ settings: { tagCreation: string } }>('GET', `/companies/${companyId}`)).settings;
  const lockdown = (tag: string) => `This account only lets super admins create tags: "${tag}" does not exist yet`;

  it('lets anyone create tags by default', async () => {
    expect(await companySettings()).toEqual({ tagCreation: 'anyone' });
    expect((await addTags(OPP.Ada, ['Brand New'])).status).toBe(200);
    expect((await sandbox.control.opportunity(OPP.Ada)).tags).toEqual(['Brand New']);
  });

  it('refuses a new tag with 403 unless perform_as is a super admin, and writes nothing', async () => {
    expect(await sandbox.control.settings(ACME_COMPANY_ID, { tagCreation: 'super-admins' })).toEqual({
      ok: true,
      settings: { tagCreation: 'super-admins' },
    });
    expect(await companySettings()).toEqual({ tagCreation: 'super-admins' });

    expect(await addTags(OPP.Ada, ['Acme Test - Sent'])).toEqual({
      status: 403,
      body: { code: 'Forbidden', message: lockdown('Acme Test - Sent') },
    });
    // An admin or a team member is not enough.
    expect(await addTags(OPP.Ada, ['Acme Test - Sent'], USER.AssessmentBot)).toMatchObject({
      status: 403,
      body: { message: lockdown('Acme Test - Sent') },
    });
    expect((await addTags(OPP.Ada, ['Acme Test - Sent'], USER.Monica)).status).toBe(403);
    // One new tag among existing ones refuses the whole call.
    expect(await addTags(OPP.Ada, [ACME_OVERRIDE_TAG, 'Acme Test - Sent', 'Other New'])).toMatchObject({
      status: 403,
      body: { message: lockdown('Acme Test - Sent') },
    });
    const untouched = await sandbox.control.opportunity(OPP.Ada);
    expect([untouched.tags, untouched.history]).toEqual([[], []]);

    // A super admin creates it; from then on it exists and anyone may add it.
    const created = await addTags(OPP.Ada, ['Acme Test - Sent'], USER.Rachel);
    expect(created.status).toBe(200);
    expect(created.body.data.tags).toEqual(['Acme Test - Sent']);
    expect((await addTags(OPP.Grace, ['Acme Test - Sent'])).status).toBe(200);
  });

  it('always allows tags already on any of the company’s opportunities', async () => {
    await sandbox.control.settings(ACME_COMPANY_ID, { tagCreation: 'super-admins' });
    // "Python Advanced" is on Alan, "Full-time" on Grace; both may go on Ada, with or without perform_as.
    expect((await addTags(OPP.Ada, [ACME_OVERRIDE_TAG])).status).toBe(200);
    expect((await addTags(OPP.Ada, ['Full-time'], USER.Monica)).status).toBe(200);
    expect((await sandbox.control.opportunity(OPP.Ada)).tags).toEqual([ACME_OVERRIDE_TAG, 'Full-time']);
    // A tag of another company does not count as existing here.
    await sandbox.control.createCompany({
      name: 'Other',
      keys: [{ apiKey: `other-${Date.now()}` }],
      candidates: [{ name: 'X', tags: ['Only Elsewhere'] }],
    });
    expect((await addTags(OPP.Ada, ['Only Elsewhere'])).status).toBe(403);
  });

  it('checks the opportunity (404) and perform_as (400) before the lockdown', async () => {
    await sandbox.control.settings(ACME_COMPANY_ID, { tagCreation: 'super-admins' });
    expect((await addTags('nope', ['New'])).status).toBe(404);
    expect((await addTags(OPP.Ada, ['New'], 'nobody')).status).toBe(400);
  });

  it('opens up again with tagCreation anyone; a company may be created locked down', async () => {
    await sandbox.control.settings(ACME_COMPANY_ID, { tagCreation: 'super-admins' });
    await sandbox.control.settings(ACME_COMPANY_ID, { tagCreation: 'anyone' });
    expect((await addTags(OPP.Ada, ['New Again'])).status).toBe(200);

    const locked = await sandbox.control.createCompany({ name: 'Locked', tagCreation: 'super-admins' });
    expect(await companySettings(locked.id)).toEqual({ tagCreation: 'super-admins' });
  });

  it('rejects a bad settings body and an unknown company', async () => {
    await expect(sandbox.control.settings(ACME_COMPANY_ID, { tagCreation: 'admins' })).rejects.toThrow(/-> 400 .*tagCreation/);
    await expect(sandbox.control.settings(ACME_COMPANY_ID, {})).rejects.toThrow(/-> 400/);
    await expect(sandbox.control.settings(ACME_COMPANY_ID, { tagCreation: 'anyone', tagCreaton: 'x' })).rejects.toThrow(
      /-> 400 .*tagCreaton/,
    );
    await expect(sandbox.control.settings('nope', { tagCreation: 'anyone' })).rejects.toThrow(/-> 404/);
    await expect(sandbox.control.createCompany({ name: 'Bad', tagCreation: 'nobody' })).rejects.toThrow(/-> 400/);
    expect(await companySettings()).toEqual({ tagCreation: 'anyone' });
  });
});
