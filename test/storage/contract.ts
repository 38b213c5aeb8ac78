/**
 * The storage contract: every engine runs exactly these tests (test/storage/sqlite.test.ts,
 * test/storage/postgres.test.ts). Time is a fixed `NOW`, never a sleep. Raw SQL (with `?`
 * placeholders) reads rows past the API to prove what is, and is not, stored at rest.
 * The sections live beside this file, one per concern (contract-*.ts).
 */
import type { Test } from 'tap';
import { createHash } from 'node:crypto';
import { migrateUp, migrationStatus, WRONG_KEY_MESSAGE, type StorageLocation } from '../../src/storage/index.js';
import type { NewTokenSession, Storage, StorageEngine } from '../../src/storage/types.js';
import { tokenContract } from './contract-tokens.js';
import { migrationsFor } from '../../src/storage/migrations/index.js';
import { identityContract } from './contract-identity.js';
import { portalContract } from './contract-portal.js';
import { regulationContract } from './contract-regulation.js';
import { atRestContract } from './contract-at-rest.js';
import { logoutContract } from './contract-logout.js';
import { webauthnContract } from './contract-webauthn.js';
import { oneTimeCodesContract } from './contract-one-time-codes.js';

export interface ContractHarness {
  engine: StorageEngine;
  /** The location and key the harness opens with. */
  location: StorageLocation;
  encryptionKey: string;
  open(overrides?: { encryption_key?: string; migrate?: boolean }): Promise<Storage>;
  /** Raw SQL on the same database, `?` placeholders. */
  query(text: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
}

/** A contract section: registers its tests; `s()` is the storage opened for the whole suite. */
export type ContractSection = (t: Test, h: ContractHarness, s: () => Storage) => void;

export const NOW = 1_700_000_000_000;
export const HOUR = 3_600_000;

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export function token(signature: string, overrides: Partial<NewTokenSession> = {}): NewTokenSession {
  return {
    signature,
    request_id: 'req-1',
    client_id: 'client-a',
    subject: 'subject-1',
    requested_at_ms: NOW,
    expires_at_ms: NOW + HOUR,
    requested_scopes: ['openid', 'profile'],
    granted_scopes: ['openid'],
    requested_audience: ['https://api.example.com'],
    granted_audience: ['https://api.example.com'],
    session: { claims: { sub: 'subject-1', email: 'alice@example.com' }, auth_time: NOW / 1000 },
    ...overrides,
  };
}

export function storageContract(t: Test, h: ContractHarness): void {
  let storage: Storage | undefined;
  const s = (): Storage => {
    if (!storage) throw new Error('storage is not open yet');
    return storage;
  };
  t.before(async () => {
    storage = await h.open();
  });
  t.teardown(async () => {
    await storage?.close();
  });

  t.test('migrations: applied at open, idempotent on reopen and by migrateUp; health answers', async (t) => {
    t.equal(s().engine, h.engine);
    const again = await h.open();
    await again.close();
    t.same(await migrateUp({ ...h.location, encryption_key: h.encryptionKey }), [], 'nothing left to apply');
    const states = await migrationStatus(h.location);
    t.same(states.map((m) => m.name), Object.keys(migrationsFor('sqlite')).sort());
    t.ok(states.length >= 3, 'the interactions migration (0003) is among them');
    t.ok(states.every((m) => typeof m.executed_at_ms === 'number'), 'every migration has run');
    const checked = await h.open({ migrate: false });
    await checked.close();
    await t.resolves(s().health());
  });

  t.test('encryption key: a different key on reopen is refused with a clear error', async (t) => {
    await t.rejects(h.open({ encryption_key: 'another key entirely' }), { message: WRONG_KEY_MESSAGE });
    await t.rejects(migrateUp({ ...h.location, encryption_key: 'another key entirely' }), { message: WRONG_KEY_MESSAGE });
  });
  for (const section of [tokenContract, identityContract, portalContract, regulationContract, atRestContract, logoutContract, webauthnContract, oneTimeCodesContract]) section(t, h, s);
}
