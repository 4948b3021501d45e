import { AccountChangesPublisher } from '@lever-assess/redis';
import { TestsRepository } from '@lever-assess/persistence';
import { PlatformClient } from '@lever-assess/platform-client';
import { Injectable, Logger } from '@nestjs/common';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { NotFoundApiError } from '../shared/errors/api.errors';
import { CatalogTestDto, type CatalogImportDto, type CreateCatalogTestDto, type UpdateCatalogTestDto } from './dto/catalog-test.dto';

const testNotFound = (testId: string) => new NotFoundApiError('TEST_NOT_FOUND', `Test ${testId} is not in this account's catalog`);

/** The account's test catalog (the names double as override tags). */
@Injectable()
export class CatalogService {
  private readonly logger = new Logger(CatalogService.name);

  constructor(
    private readonly tests: TestsRepository,
    private readonly lookup: AccountLookup,
    private readonly platform: PlatformClient,
    private readonly audit: AuditService,
    private readonly changes: AccountChangesPublisher,
  ) {}

  /** @throws TestNameTakenError (409) */
  async create(actor: AdminActor, accountId: string, dto: CreateCatalogTestDto): Promise<CatalogTestDto> {
    await this.lookup.require(accountId);
    const test = await this.tests.create(accountId, { name: dto.name, platformTestId: dto.platformTestId, kind: dto.kind });
    await this.record(actor, accountId, 'test.create', test.id, { name: test.name, platformTestId: test.platformTestId, kind: test.kind });
    return CatalogTestDto.from(test);
  }

  async list(accountId: string): Promise<CatalogTestDto[]> {
    await this.lookup.require(accountId);
    return (await this.tests.list(accountId)).map((t) => CatalogTestDto.from(t));
  }

  async get(accountId: string, testId: string): Promise<CatalogTestDto> {
    await this.lookup.require(accountId);
    const test = await this.tests.findById(accountId, testId);
    if (!test) throw testNotFound(testId);
    return CatalogTestDto.from(test);
  }

  async update(actor: AdminActor, accountId: string, testId: string, dto: UpdateCatalogTestDto): Promise<CatalogTestDto> {
    await this.lookup.require(accountId);
    const test = await this.tests.update(accountId, testId, dto);
    if (!test) throw testNotFound(testId);
    await this.record(actor, accountId, 'test.update', testId, { ...dto });
    return CatalogTestDto.from(test);
  }

  /** @throws TestInUseError (409) while a trigger rule uses the test */
  async delete(actor: AdminActor, accountId: string, testId: string): Promise<void> {
    await this.lookup.require(accountId);
    if (!(await this.tests.delete(accountId, testId))) throw testNotFound(testId);
    await this.record(actor, accountId, 'test.delete', testId, {});
  }

  /**
   * Pulls the tests the account's platform account may use (`GET /v1/tests?accountId=<its
   * platformAccountId>`: the shared library and its own, never another customer's private tests)
   * and upserts by name (ignoring case): a new name is added, a known name gets the platform's
   * current id and kind. Tests only in the catalog stay.
   */
  async importFromPlatform(actor: AdminActor, accountId: string): Promise<CatalogImportDto> {
    const account = await this.lookup.require(accountId);
    const counts = { created: 0, updated: 0, unchanged: 0 };
    try {
      await this.upsertFromPlatform(accountId, account.platformAccountId, counts);
    } catch (err) {
      // What was written before the failure is in the catalog: the workers must see it too.
      if (counts.created + counts.updated > 0) await this.changes.announce(accountId);
      throw err;
    }
    await this.record(actor, accountId, 'test.import', accountId, counts);
    this.logger.log({ accountId, ...counts, msg: 'platform tests imported' });
    return { ...counts, items: await this.list(accountId) };
  }

  private async upsertFromPlatform(
    accountId: string,
    platformAccountId: string,
    counts: { created: number; updated: number; unchanged: number },
  ): Promise<void> {
    for (const remote of await this.platform.listTests(platformAccountId)) {
      const existing = await this.tests.findByNameInsensitive(accountId, remote.name.trim());
      if (!existing) {
        await this.tests.create(accountId, { name: remote.name.trim(), platformTestId: remote.id, kind: remote.kind });
        counts.created++;
      } else if (existing.platformTestId !== remote.id || existing.kind !== remote.kind) {
        await this.tests.update(accountId, existing.id, { platformTestId: remote.id, kind: remote.kind });
        counts.updated++;
      } else {
        counts.unchanged++;
      }
    }
  }

  /** Announced first: the workers drop the account's catalog they keep in memory (AccountConfigCache). */
  private async record(
    actor: AdminActor,
    accountId: string,
    action: string,
    entityId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.changes.announce(accountId);
    await this.audit.record(actor, { action, accountId, entityType: action === 'test.import' ? 'account' : 'test', entityId, details });
  }
}
