/** Engine-neutral storage errors: callers switch on `code`, never on a driver's error shape. */

export class StorageConflictError extends Error {
  override readonly name = 'StorageConflictError';
  readonly code = 'ERR_STORAGE_CONFLICT';
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} already exists`, options);
  }
}

/** A unique or primary key violation, as better-sqlite3 and pg report it. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Runs an insert, turning a duplicate key into StorageConflictError. */
export async function insertOnce(what: string, insert: () => Promise<unknown>): Promise<void> {
  try {
    await insert();
  } catch (err) {
    if (isUniqueViolation(err)) throw new StorageConflictError(what, { cause: err });
    throw err;
  }
}
