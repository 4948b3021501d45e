import type { Company, Note, Opportunity, User } from '../store/sandbox.model';

const HIRE_URL = 'https://hire.sandbox.lever.co/candidates';

/** An opportunity as Lever returns it (lever-api.md 4.1); `expand` swaps ids for objects. */
export function renderOpportunity(company: Company, o: Opportunity, expand: ReadonlySet<string>) {
  const contact = company.contacts.get(o.contactId);
  const stage = company.stages.find((s) => s.id === o.stageId);
  const anonymized = o.isAnonymized;
  return {
    id: o.id,
    name: anonymized ? '' : (contact?.name ?? ''),
    headline: anonymized ? '' : (contact?.headline ?? ''),
    contact: o.contactId,
    emails: anonymized ? [] : [...(contact?.emails ?? [])],
    phones: [],
    confidentiality: o.confidentiality,
    location: '',
    links: anonymized ? [] : [...(contact?.links ?? [])],
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    lastInteractionAt: o.updatedAt,
    lastAdvancedAt: o.lastAdvancedAt,
    snoozedUntil: null,
    archivedAt: o.archivedAt,
    archiveReason: o.archiveReason,
    archived: o.archivedAt ? { reason: o.archiveReason, archivedAt: o.archivedAt } : null,
    stage: expand.has('stage') && stage ? { id: stage.id, text: stage.text } : o.stageId,
    stageChanges: o.stageChanges.map((c) => ({ ...c })),
    owner: o.ownerId,
    tags: [...o.tags],
    sources: [o.origin],
    origin: o.origin,
    sourcedBy: null,
    applications: expand.has('applications')
      ? [
          {
            id: o.applicationId,
            type: 'posting',
            posting: o.postingId,
            postingOwner: null,
            postingHiringManager: null,
            archived: null,
            createdAt: o.createdAt,
          },
        ]
      : [o.applicationId],
    followers: [...o.followers],
    urls: { list: HIRE_URL, show: `${HIRE_URL}/${o.id}` },
    isAnonymized: anonymized,
  };
}

export function renderUser(u: User) {
  return {
    id: u.id,
    name: u.name,
    username: u.username,
    email: u.email,
    createdAt: u.createdAt,
    deactivatedAt: u.deactivatedAt,
    accessRole: u.accessRole,
    photo: null,
    externalDirectoryId: null,
    linkedContactIds: null,
    jobTitle: null,
    managerId: null,
  };
}

/** Notes come back as a one-field form, the text in fields[0].value. */
export function renderNote(n: Note) {
  return {
    id: n.id,
    text: 'Note',
    fields: [{ type: 'note', text: 'Note', value: n.value }],
    user: n.userId,
    secret: n.secret,
    completedAt: n.createdAt,
    createdAt: n.createdAt,
    deletedAt: null,
  };
}
