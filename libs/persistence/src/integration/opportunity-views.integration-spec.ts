import 'reflect-metadata';
import { CandidateEventType } from '@lever-assess/domain';
import { randomUUID } from 'node:crypto';
import { makeRepositories, newAccount, type Repositories } from './fixtures';
import { createMigratedTestDatabase, type TestDatabase } from './test-database';

describe('LeverOpportunityViewsRepository', () => {
  let db: TestDatabase;
  let repos: Repositories;

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
  });
  afterAll(() => db.dispose());

  const ago = (ms: number) => new Date(Date.now() - ms);

  it('records a read, then applies our tag and link writes to it', async () => {
    const { id } = await newAccount(repos);
    await repos.views.recordRead(
      id,
      'opp-1',
      { tags: ['Full-time', 'Acme - Sent', 'Full-time'], links: ['https://a.example'] },
      ago(1_000),
    );
    await expect(repos.views.find(id, 'opp-1')).resolves.toMatchObject({
      tags: ['Full-time', 'Acme - Sent'],
      links: ['https://a.example'],
    });

    await expect(repos.views.recordTagWrite(id, 'opp-1', { add: ['Acme - Needs Review'] })).resolves.toBe(true);
    await repos.views.recordTagWrite(id, 'opp-1', { remove: ['Acme - Sent'] });
    await repos.views.recordLinksAdded(id, 'opp-1', ['https://report.example', 'https://a.example']);

    const view = await repos.views.find(id, 'opp-1');
    expect(view?.tags.sort()).toEqual(['Acme - Needs Review', 'Full-time']);
    expect(view?.links.sort()).toEqual(['https://a.example', 'https://report.example']);
    expect(view!.observedAt.getTime()).toBeGreaterThan(ago(5_000).getTime());
  });

  it('writes the timeline steps with a tag or link write in one statement: both or neither', async () => {
    const { id } = await newAccount(repos);
    await repos.views.recordRead(id, 'opp-steps', { tags: ['Full-time'], links: [] }, ago(1_000));
    const step = (type: CandidateEventType, detail: Record<string, unknown>, accountId = id) => ({
      accountId,
      opportunityId: 'opp-steps',
      type,
      correlationId: 'corr-1',
      detail,
      at: new Date(),
    });

    // A step the database refuses (its account does not exist) fails the statement: the view keeps its tags.
    const refused = [step(CandidateEventType.LeverTagsAdded, { tags: ['Acme - Sent'] }, randomUUID())];
    await expect(repos.views.recordTagWrite(id, 'opp-steps', { add: ['Acme - Sent'] }, { steps: refused })).rejects.toThrow();
    await expect(repos.views.find(id, 'opp-steps')).resolves.toMatchObject({ tags: ['Full-time'] });
    await expect(repos.events.listForOpportunity(id, 'opp-steps')).resolves.toEqual([]);

    const sent = step(CandidateEventType.LeverTagsAdded, { tags: ['Acme - Sent'] });
    await expect(repos.views.recordTagWrite(id, 'opp-steps', { add: ['Acme - Sent'] }, { steps: [sent] })).resolves.toBe(true);
    const linked = step(CandidateEventType.LeverLinksAdded, { count: 1 });
    await expect(repos.views.recordLinksAdded(id, 'opp-steps', ['https://r.example'], { steps: [linked] })).resolves.toBe(true);
    await expect(repos.views.find(id, 'opp-steps')).resolves.toMatchObject({
      tags: ['Acme - Sent', 'Full-time'],
      links: ['https://r.example'],
    });
    const written = await repos.events.listForOpportunity(id, 'opp-steps');
    expect(written.map((e) => [e.type, e.detail])).toEqual([
      [CandidateEventType.LeverTagsAdded, { tags: ['Acme - Sent'] }],
      [CandidateEventType.LeverLinksAdded, { count: 1 }],
    ]);
    // No view to change: false, and the step is still written (the Lever write happened).
    const orphan = { ...step(CandidateEventType.LeverTagsAdded, { tags: ['x'] }), opportunityId: 'opp-no-view' };
    await expect(repos.views.recordTagWrite(id, 'opp-no-view', { add: ['x'] }, { steps: [orphan] })).resolves.toBe(false);
    await expect(repos.events.listForOpportunity(id, 'opp-no-view')).resolves.toHaveLength(1);
  });

  it('keeps a view changed after a read began: the late read is older than our write', async () => {
    const { id } = await newAccount(repos);
    const readBegan = ago(2_000);
    await repos.views.recordRead(id, 'opp-2', { tags: [], links: [] }, ago(10_000));
    await repos.views.recordTagWrite(id, 'opp-2', { add: ['Acme - Sent'] });
    // A read sent before that write, recorded after it, must not take the tag away.
    await repos.views.recordRead(id, 'opp-2', { tags: [], links: [] }, readBegan);
    await expect(repos.views.find(id, 'opp-2')).resolves.toMatchObject({ tags: ['Acme - Sent'] });
    // A read sent after it is the truth (a recruiter removed the tag by hand).
    await repos.views.recordRead(id, 'opp-2', { tags: ['Other'], links: [] }, new Date(Date.now() + 1_000));
    await expect(repos.views.find(id, 'opp-2')).resolves.toMatchObject({ tags: ['Other'] });
  });

  it('writes without a recorded read change nothing, and views never cross accounts', async () => {
    const a = await newAccount(repos, 'A');
    const b = await newAccount(repos, 'B');
    await expect(repos.views.recordTagWrite(a.id, 'opp-none', { add: ['x'] })).resolves.toBe(false);
    await expect(repos.views.recordLinksAdded(a.id, 'opp-none', ['https://x.example'])).resolves.toBe(false);
    await expect(repos.views.find(a.id, 'opp-none')).resolves.toBeNull();

    await repos.views.recordRead(a.id, 'opp-shared-id', { tags: ['A tag'], links: [] }, ago(100));
    await expect(repos.views.find(b.id, 'opp-shared-id')).resolves.toBeNull();
    await expect(repos.views.recordTagWrite(b.id, 'opp-shared-id', { add: ['B tag'] })).resolves.toBe(false);
    await expect(repos.views.find(a.id, 'opp-shared-id')).resolves.toMatchObject({ tags: ['A tag'] });
  });

  it('goes with its account', async () => {
    const { id } = await newAccount(repos, 'Gone');
    await repos.views.recordRead(id, 'opp-3', { tags: [], links: [] }, ago(100));
    await repos.accounts.delete(id);
    await expect(repos.views.find(id, 'opp-3')).resolves.toBeNull();
  });
});
