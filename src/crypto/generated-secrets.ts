/**
 * Secrets the embedded default config leaves out, generated on first start into the data
 * directory and reused afterwards, so a quick start works and tokens survive restarts.
 * Values are never logged; each new file is announced with a warning to back it up.
 */
import { generateKeyPair, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readPrivateKey } from './key-checks.js';
import type { Logger } from '../observability/log.js';

export type GeneratedSecretName = 'hmac_secret' | 'issuer_private_key' | 'encryption_key';

export interface SecretNeeds {
  hmacSecret: boolean;
  issuerKey: boolean;
  encryptionKey: boolean;
}

/** Only the secrets asked for are present. */
export interface GeneratedSecrets {
  hmacSecret?: string;
  /** PKCS#8 PEM, RSA 2048. */
  issuerKeyPem?: string;
  encryptionKey?: string;
  /** Which ones were created by this call (the others were read from their files). */
  generated: GeneratedSecretName[];
}

export const SECRET_FILES: Readonly<Record<GeneratedSecretName, string>> = Object.freeze({
  hmac_secret: 'oidc.hmac_secret',
  issuer_private_key: 'oidc.issuer.rsa.pem',
  encryption_key: 'storage.encryption_key',
});

const DESCRIPTIONS: Readonly<Record<GeneratedSecretName, string>> = {
  hmac_secret: 'OIDC HMAC secret',
  issuer_private_key: 'OIDC issuer private key',
  encryption_key: 'storage encryption key',
};

/** 64 alphanumeric characters: about 381 bits. */
const SECRET_LENGTH = 64;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 2048 bits keeps the first start fast; configure a 3072 or 4096 bit key (`crypto pair rsa generate`) for production. */
const GENERATED_RSA_BITS = 2048;

const generateKeyPairAsync = promisify(generateKeyPair);

export async function loadOrCreateSecrets(dataDir: string, need: SecretNeeds, logger: Logger): Promise<GeneratedSecrets> {
  const result: GeneratedSecrets = { generated: [] };
  if (!need.hmacSecret && !need.issuerKey && !need.encryptionKey) return result;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const obtain = async (name: GeneratedSecretName, create: () => Promise<string>, check: (value: string) => string): Promise<string> => {
    const path = join(dataDir, SECRET_FILES[name]);
    const existing = await readExisting(path, check, logger);
    if (existing !== undefined) return existing;
    const value = await create();
    await writeAtomically(path, value);
    result.generated.push(name);
    logger.warn(`generated a new ${DESCRIPTIONS[name]} in ${path}: back it up, and configure it explicitly for production`);
    return value;
  };

  if (need.hmacSecret) result.hmacSecret = await obtain('hmac_secret', () => Promise.resolve(alphanumericSecret(SECRET_LENGTH)), checkSecretText);
  if (need.issuerKey) result.issuerKeyPem = await obtain('issuer_private_key', generateIssuerKeyPem, checkIssuerKey);
  if (need.encryptionKey) result.encryptionKey = await obtain('encryption_key', () => Promise.resolve(alphanumericSecret(SECRET_LENGTH)), checkSecretText);
  return result;
}

/** The file's value, or undefined when there is no file yet; throws naming the file when it is unusable. */
async function readExisting(path: string, check: (value: string) => string, logger: Logger): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  let value: string;
  try {
    value = check(text);
  } catch (err) {
    throw new Error(`${path} ${(err as Error).message}: restore it from a backup, or delete it to generate a new one`);
  }
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    logger.warn(`${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}): restrict it with chmod 600`);
  }
  return value;
}

/** Temp file in the same directory (same file system), then rename: a crash never leaves half a secret. */
async function writeAtomically(path: string, value: string): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, value, { flag: 'wx', mode: 0o600 });
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new Error(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/** A secret file holds one line of visible characters; a trailing newline (an editor's) is dropped. */
function checkSecretText(text: string): string {
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new Error('is empty');
  if (!/^[\x21-\x7e]+$/.test(value)) throw new Error('is corrupt: it must hold one line of printable ASCII characters');
  return value;
}

function checkIssuerKey(text: string): string {
  readPrivateKey(text);
  return text;
}

async function generateIssuerKeyPem(): Promise<string> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: GENERATED_RSA_BITS });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Unbiased: bytes at or above the largest multiple of the alphabet size are drawn again. */
export function alphanumericSecret(length: number): string {
  const limit = 256 - (256 % ALPHANUMERIC.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < limit && out.length < length) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
    }
  }
  return out;
}
