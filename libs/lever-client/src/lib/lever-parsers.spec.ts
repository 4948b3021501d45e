import {
  parseArchiveReason,
  parseErrorBody,
  parseNote,
  parseOpportunity,
  parsePage,
  parseStage,
  parseTimestamp,
  LeverResponseShapeError,
} from './lever-parsers';

const LEVER_DOC_OPPORTUNITY = {
  id: '250d8f03-738a-4bba-a671-8a3d73477145',
  name: 'Shane Smith',
  contact: '7f23e772-f2cb-4ebb-b33f-54b872999992',
  emails: ['shane@exampleq3.com'],
  links: ['indeed.com/r/Shane-Smith/0b7c87f6b246d2bc'],
  createdAt: 1407460071043,
  updatedAt: '1407460080914',
  archivedAt: null,
  archiveReason: null,
  stage: { id: '00922a60-7c15-422b-b086-f62000824fd7', text: 'Phone Interview' },
  tags: ['San Francisco', 'Full-time', 'Acme Test - Sent'],
  applications: [{ id: 'cdb4ff13', type: 'posting', posting: '6a1e4b79' }],
  urls: { list: 'https://hire.lever.co/candidates', show: 'https://hire.lever.co/candidates/250d8f03' },
  isAnonymized: false,
  someFieldLeverAddsLater: { nested: true },
};

describe('lever parsers', () => {
  describe(parseOpportunity.name, () => {
    it('normalises the documented example and ignores unknown fields', () => {
      expect(parseOpportunity(LEVER_DOC_OPPORTUNITY)).toEqual({
        id: '250d8f03-738a-4bba-a671-8a3d73477145',
        name: 'Shane Smith',
        contactId: '7f23e772-f2cb-4ebb-b33f-54b872999992',
        emails: ['shane@exampleq3.com'],
        tags: ['San Francisco', 'Full-time', 'Acme Test - Sent'],
        stageId: '00922a60-7c15-422b-b086-f62000824fd7',
        stageName: 'Phone Interview',
        archived: false,
        archivedAt: null,
        archiveReason: null,
        confidentiality: null,
        isAnonymized: false,
        urls: { show: 'https://hire.lever.co/candidates/250d8f03' },
        links: ['indeed.com/r/Shane-Smith/0b7c87f6b246d2bc'],
        applications: [{ id: 'cdb4ff13', postingId: '6a1e4b79', type: 'posting' }],
        createdAt: 1407460071043,
        updatedAt: 1407460080914,
        lastAdvancedAt: null,
        stageChanges: [],
        followers: [],
      });
    });

    it('reads stageChanges, lastAdvancedAt, followers and confidentiality, timestamps as numbers or strings', () => {
      const o = parseOpportunity({
        ...LEVER_DOC_OPPORTUNITY,
        confidentiality: 'confidential',
        lastAdvancedAt: '1417587916150',
        stageChanges: [
          { toStageId: 's1', toStageIndex: 0, userId: null, updatedAt: 1407460071043 },
          { toStageId: 's2', toStageIndex: 1, userId: 'u1', updatedAt: '1407460080914', extra: true },
          { toStageIndex: 2, updatedAt: 1 },
          'junk',
        ],
        followers: ['u1', { id: 'u2', name: 'Expanded' }, 7],
      });
      expect(o).toMatchObject({
        confidentiality: 'confidential',
        lastAdvancedAt: 1417587916150,
        stageChanges: [
          { toStageId: 's1', toStageIndex: 0, userId: null, updatedAt: 1407460071043 },
          { toStageId: 's2', toStageIndex: 1, userId: 'u1', updatedAt: 1407460080914 },
        ],
        followers: ['u1', 'u2'],
      });
    });

    it('reads archivedAt and archiveReason from the top level or the archived object', () => {
      expect(parseOpportunity({ ...LEVER_DOC_OPPORTUNITY, archived: { reason: 'r1', archivedAt: '5' } })).toMatchObject({
        archived: true,
        archivedAt: 5,
        archiveReason: 'r1',
      });
      expect(parseOpportunity({ ...LEVER_DOC_OPPORTUNITY, archivedAt: 6, archiveReason: 'r2', archived: null })).toMatchObject({
        archived: true,
        archivedAt: 6,
        archiveReason: 'r2',
      });
    });

    it('reads an unexpanded stage id and application ids', () => {
      const o = parseOpportunity({ ...LEVER_DOC_OPPORTUNITY, stage: 'stage-1', applications: ['app-1'] });
      expect([o.stageId, o.stageName, o.applications]).toEqual(['stage-1', null, [{ id: 'app-1', postingId: null, type: null }]]);
    });

    it.each([
      ['archived object', { archived: { reason: 'r1', archivedAt: 1 } }],
      ['top-level archivedAt', { archivedAt: 1407460071043 }],
      ['top-level archiveReason', { archiveReason: 'r1' }],
    ])('treats %s as archived', (_label, extra) => expect(parseOpportunity({ ...LEVER_DOC_OPPORTUNITY, ...extra }).archived).toBe(true));

    it('keeps a candidate without email as an empty list', () => {
      const { emails, ...rest } = LEVER_DOC_OPPORTUNITY;
      void emails;
      expect(parseOpportunity(rest).emails).toEqual([]);
    });

    it('rejects an opportunity without id', () => expect(() => parseOpportunity({ name: 'x' })).toThrow(LeverResponseShapeError));
  });

  it('reads timestamps given as numbers or numeric strings', () => {
    expect(parseTimestamp(1468953420000)).toBe(1468953420000);
    expect(parseTimestamp('1468953420000')).toBe(1468953420000);
    expect(parseTimestamp('yesterday')).toBeNull();
    expect(parseTimestamp(null)).toBeNull();
  });

  describe(parsePage.name, () => {
    it('treats a missing hasNext as the last page', () =>
      expect(parsePage({ data: [{ id: 's1', text: 'New' }] }, 'stages', parseStage)).toEqual({
        data: [{ id: 's1', text: 'New' }],
        next: null,
        hasNext: false,
      }));
    it('follows hasNext with its token', () =>
      expect(parsePage({ data: [], next: 'tok', hasNext: true }, 'stages', parseStage)).toMatchObject({ next: 'tok', hasNext: true }));
    it('rejects a body without a data list', () =>
      expect(() => parsePage({ data: {} }, 'stages', parseStage)).toThrow(LeverResponseShapeError));
  });

  it('reads a note value from its first field', () =>
    expect(
      parseNote({ id: 'n1', text: 'Note', fields: [{ type: 'note', text: 'Note', value: 'score 82%' }], user: 'u1', createdAt: 5 }),
    ).toEqual({
      id: 'n1',
      value: 'score 82%',
      userId: 'u1',
      secret: false,
      createdAt: 5,
    }));

  it('reads Lever error bodies and tolerates non-JSON ones', () => {
    expect(parseErrorBody('{"code":"ResourceNotFound","message":"gone"}')).toEqual({ leverCode: 'ResourceNotFound', leverMessage: 'gone' });
    expect(parseErrorBody('<html>502</html>')).toEqual({});
  });

  it('reads an archive reason and ignores unknown fields', () =>
    expect(parseArchiveReason({ id: 'r1', text: 'Hired', status: 'active', type: 'hired', later: 1 })).toEqual({
      id: 'r1',
      text: 'Hired',
      status: 'active',
      type: 'hired',
    }));
});
