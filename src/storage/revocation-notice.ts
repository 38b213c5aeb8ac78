/**
 * How a revocation is told to the other replicas (PostgreSQL only): `SELECT pg_notify(channel,
 * payload)` inside the transaction that revokes. NOTIFY is transactional: PostgreSQL sends it when
 * that transaction commits and drops it on rollback, so a replica hears of exactly the revocations
 * that happened, even when this process dies right after the commit. The listening side is
 * revocation-channel.ts; both sides share the channel name and the payload format defined here.
 * - The channel is named after the schema: two deployments sharing a database do not hear each other.
 * - A payload carries the sender's random `origin`: a replica skips its own notifications (its bus
 *   had them first).
 */
import { hash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { checkSchemaName } from './postgres.js';
import type { RevocationNotice } from './revocation-types.js';
import type { Database } from './schema.js';
import type { PostgresConfig } from './types.js';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7999;
/** Channel names are identifiers: at most NAMEDATALEN - 1 bytes. */
const MAX_CHANNEL_BYTES = 63;
const CHANNEL_PREFIX = 'gatehouse_revocations_';


export interface RevocationMessage {
  origin: string;
  signatures: readonly string[];
}

/** `gatehouse_revocations_<schema>`, or a digest of the schema when that would be too long a name. */
export function channelNameFor(schema: string): string {
  const name = CHANNEL_PREFIX + checkSchemaName(schema);
  return name.length <= MAX_CHANNEL_BYTES ? name : CHANNEL_PREFIX + hash('sha256', schema, 'hex').slice(0, 32);
}

/** The notice of a process using `config`'s schema; `origin` is made once per process by the caller. */
export function revocationNoticeFor(config: PostgresConfig, origin: string): RevocationNotice {
  return { channel: channelNameFor(config.schema || 'public'), origin };
}

/**
 * The signatures packed, in order, into as few payloads as stay under `maxBytes`. A signature too
 * big for a payload of its own still travels alone (PostgreSQL then refuses it); ours are 43 bytes.
 */
export function payloadsFor(origin: string, signatures: readonly string[], maxBytes = MAX_PAYLOAD_BYTES): string[] {
  const encode = (batch: readonly string[]): string => JSON.stringify({ origin, signatures: batch } satisfies RevocationMessage);
  const emptyBytes = Buffer.byteLength(encode([]));
  const payloads: string[] = [];
  let batch: string[] = [];
  let bytes = emptyBytes;
  for (const signature of signatures) {
    const signatureBytes = Buffer.byteLength(JSON.stringify(signature));
    // 1: the comma before every signature but the first.
    if (batch.length > 0 && bytes + 1 + signatureBytes > maxBytes) {
      payloads.push(encode(batch));
      batch = [];
      bytes = emptyBytes;
    }
    bytes += (batch.length > 0 ? 1 : 0) + signatureBytes;
    batch.push(signature);
  }
  if (batch.length > 0) payloads.push(encode(batch));
  return payloads;
}

/** A payload in our shape, or null for anything else sent on the channel. */
export function parsePayload(payload: string | undefined): RevocationMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(payload ?? '');
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { origin, signatures } = value as Partial<Record<keyof RevocationMessage, unknown>>;
  if (typeof origin !== 'string' || !Array.isArray(signatures) || !signatures.every((s) => typeof s === 'string')) return null;
  return { origin, signatures };
}

/**
 * Queues the revoked access-token signatures on the channel. Run it on the transaction that
 * revokes them: PostgreSQL delivers at that commit, not before, and never after a rollback. A
 * refused payload rejects, and with it the transaction: no revocation goes unannounced.
 */
export async function sendRevocationNotice(db: Kysely<Database>, notice: RevocationNotice, signatures: readonly string[]): Promise<void> {
  for (const payload of payloadsFor(notice.origin, signatures)) {
    await sql`SELECT pg_notify(${notice.channel}, ${payload})`.execute(db);
  }
}
