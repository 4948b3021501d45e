import { SecretBox } from '@lever-assess/common';
import { AccountStatus } from '@lever-assess/domain';
import type { LeverAuth } from '@lever-assess/lever-client';
import type { Account } from '@lever-assess/persistence';
import { randomBytes, randomUUID } from 'node:crypto';
import { FakeLever } from './fake-lever';
import { FakePlatform } from './fake-platform';
import { InMemoryAccountsRepository } from './in-memory-accounts.repository';
import { InMemoryAssessmentNotesRepository } from './in-memory-assessment-notes.repository';
import { InMemoryAssessmentsRepository } from './in-memory-assessments.repository';
import { InMemoryCandidateEventsRepository } from './in-memory-candidate-events.repository';
import { InMemoryLeverDeliveriesRepository } from './in-memory-lever-deliveries.repository';
import { InMemoryLeverOpportunityViewsRepository } from './in-memory-lever-opportunity-views.repository';
import { InMemoryOpportunitySyncReads } from './in-memory-opportunity-sync-reads';
import { InMemoryStore } from './in-memory-store';
import { InMemoryTestsRepository } from './in-memory-tests.repository';
import { InMemoryTriggerRulesRepository } from './in-memory-trigger-rules.repository';
import { RecordingAccountChanges } from './recording-account-changes';

export interface FakeAccountInput {
  name?: string;
  tagPrefix?: string;
  /** The Lever key stored (sealed) for the account; its FakeLever company. Random by default. */
  apiKey?: string;
  performAsUserId?: string | null;
  platformAccountId?: string;
  status?: AccountStatus;
  statusReason?: string | null;
}

export interface FakeAccount {
  account: Account;
  apiKey: string;
  auth: LeverAuth;
}

/**
 * The in-memory world of one test: the repositories over one store, Lever, the platform and the
 * account-change announcements. A spec builds the real LeverAccountsService on top of them (so key
 * decryption, refused accounts and "a 401 marks the account disconnected" are the real code):
 *
 *   new LeverAccountsService(f.accounts.asRepository(), f.box, f.lever.asClient(), standIn<AccountChangesPublisher>(f.accountChanges))
 *
 * (This lib cannot build it itself: @lever-assess/account-access's integration spec imports this lib.)
 */
export class UnitFakes {
  readonly store = new InMemoryStore();
  readonly accounts = new InMemoryAccountsRepository(this.store);
  readonly tests = new InMemoryTestsRepository(this.store);
  readonly rules = new InMemoryTriggerRulesRepository(this.store);
  readonly assessments = new InMemoryAssessmentsRepository(this.store);
  readonly notes = new InMemoryAssessmentNotesRepository(this.store);
  readonly events = new InMemoryCandidateEventsRepository(this.store);
  readonly deliveries = new InMemoryLeverDeliveriesRepository(this.store, this.events);
  readonly views = new InMemoryLeverOpportunityViewsRepository(this.store, this.events);
  readonly syncReads = new InMemoryOpportunitySyncReads(this.assessments, this.views, this.notes);
  readonly lever = new FakeLever();
  readonly platform = new FakePlatform();
  readonly accountChanges = new RecordingAccountChanges();
  /** Seals the accounts' Lever keys; give it to the real LeverAccountsService. */
  readonly box = new SecretBox(randomBytes(32));

  /** An account with its Lever key sealed by `box`, active unless told otherwise. */
  async addAccount(input: FakeAccountInput = {}): Promise<FakeAccount> {
    const apiKey = input.apiKey ?? `lever-key-${randomUUID()}`;
    let account = await this.accounts.create({
      name: input.name ?? 'Acme',
      tagPrefix: input.tagPrefix ?? 'Acme Test',
      leverApiKeyEnc: this.box.encrypt(apiKey),
      leverSignatureTokenEnc: this.box.encrypt('signature-token'),
      performAsUserId: input.performAsUserId === undefined ? 'user-bot' : input.performAsUserId,
      platformAccountId: input.platformAccountId ?? `plat-${randomUUID()}`,
    });
    if (input.status && input.status !== AccountStatus.Active) {
      await this.accounts.setStatus(account.id, input.status, input.statusReason ?? null);
      account = { ...account, status: input.status, statusReason: input.statusReason ?? null };
    }
    return { account, apiKey, auth: { accountId: account.id, apiKey } };
  }
}
