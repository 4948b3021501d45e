import {
  TestInUseError,
  TestNameTakenError,
  type NewTest,
  type TestDefinition,
  type TestPatch,
  type TestsRepository,
} from '@lever-assess/persistence';
import { copyRow, definedFields, type InMemoryStore } from './in-memory-store';
import type { PublicOf } from './public-of';

const byName = (a: TestDefinition, b: TestDefinition) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** TestsRepository over an InMemoryStore: names unique per account ignoring case, as the index on lower(name). */
export class InMemoryTestsRepository implements PublicOf<TestsRepository> {
  constructor(private readonly store: InMemoryStore) {}

  asRepository(): TestsRepository {
    return this as unknown as TestsRepository;
  }

  async create(accountId: string, input: NewTest): Promise<TestDefinition> {
    this.store.assertReachable();
    this.assertNameFree(accountId, input.name);
    const now = this.store.now();
    const row: TestDefinition = { id: this.store.newId(), accountId, ...input, createdAt: now, updatedAt: now };
    this.store.tests.set(row.id, row);
    return copyRow(row);
  }

  async findById(accountId: string, id: string): Promise<TestDefinition | null> {
    this.store.assertReachable();
    const row = this.store.tests.get(id);
    return row?.accountId === accountId ? copyRow(row) : null;
  }

  async findByNameInsensitive(accountId: string, name: string): Promise<TestDefinition | null> {
    this.store.assertReachable();
    return this.ofAccount(accountId).find((t) => t.name.toLowerCase() === name.toLowerCase()) ?? null;
  }

  async findByAnyNameInsensitive(accountId: string, names: readonly string[]): Promise<TestDefinition[]> {
    this.store.assertReachable();
    const wanted = new Set(names.map((n) => n.toLowerCase()));
    return this.ofAccount(accountId).filter((t) => wanted.has(t.name.toLowerCase()));
  }

  async list(accountId: string): Promise<TestDefinition[]> {
    this.store.assertReachable();
    return this.ofAccount(accountId);
  }

  async update(accountId: string, id: string, patch: TestPatch): Promise<TestDefinition | null> {
    this.store.assertReachable();
    const row = this.store.tests.get(id);
    if (!row || row.accountId !== accountId) return null;
    if (patch.name !== undefined) this.assertNameFree(accountId, patch.name, id);
    Object.assign(row, definedFields(patch), { updatedAt: this.store.now() });
    return copyRow(row);
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    this.store.assertReachable();
    const row = this.store.tests.get(id);
    if (!row || row.accountId !== accountId) return false;
    if ([...this.store.rules.values()].some((r) => r.testId === id)) throw new TestInUseError(accountId, id);
    this.store.tests.delete(id);
    // ON DELETE SET NULL on assessments.test_id.
    for (const a of this.store.assessments.values()) if (a.testId === id) a.testId = null;
    return true;
  }

  /** Sorted by name, as the real list and name look-ups are. */
  private ofAccount(accountId: string): TestDefinition[] {
    return [...this.store.tests.values()]
      .filter((t) => t.accountId === accountId)
      .sort(byName)
      .map(copyRow);
  }

  private assertNameFree(accountId: string, name: string, exceptId?: string): void {
    const taken = [...this.store.tests.values()].some(
      (t) => t.accountId === accountId && t.id !== exceptId && t.name.toLowerCase() === name.toLowerCase(),
    );
    if (taken) throw new TestNameTakenError(accountId);
  }
}
