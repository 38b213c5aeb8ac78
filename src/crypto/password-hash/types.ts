/** Shared shapes of the password-hash module: a parsed digest, and the parameters for a new one. */

export type HashAlgorithm = 'argon2' | 'pbkdf2' | 'scrypt' | 'bcrypt';

/** The concrete algorithm a stored digest names (what `PasswordDigest.algorithm` holds). */
export type DigestAlgorithm =
  | 'argon2id' | 'argon2i' | 'argon2d'
  | 'pbkdf2-sha512' | 'pbkdf2-sha384' | 'pbkdf2-sha256' | 'pbkdf2-sha224' | 'pbkdf2-sha1'
  | 'scrypt'
  | 'bcrypt' | 'bcrypt-sha256'
  | 'sha512crypt' | 'sha256crypt'
  | 'plaintext';

export interface PasswordDigest {
  readonly algorithm: DigestAlgorithm;
  /** The digest exactly as stored. */
  readonly encoded: string;
  /** Derives on the thread pool and compares in constant time; never blocks the event loop for long. */
  verify(password: string): Promise<boolean>;
  /** True for plaintext secrets: they still work, but config validation should warn. */
  readonly deprecated: boolean;
}

export type Argon2Variant = 'argon2id' | 'argon2i' | 'argon2d';
export type Pbkdf2Variant = 'sha512' | 'sha384' | 'sha256' | 'sha224' | 'sha1';
export type BcryptVariant = 'standard' | 'sha256';

/** Authelia's `password.argon2` block; `memory` is in KiB. */
export interface Argon2Params {
  readonly algorithm: 'argon2';
  readonly variant: Argon2Variant;
  readonly iterations: number;
  readonly memory: number;
  readonly parallelism: number;
  readonly key_length: number;
  readonly salt_length: number;
}

/** Authelia's `password.pbkdf2` block; the key length is the digest size of the variant. */
export interface Pbkdf2Params {
  readonly algorithm: 'pbkdf2';
  readonly variant: Pbkdf2Variant;
  readonly iterations: number;
  readonly salt_length: number;
}

/** Authelia's `password.scrypt` block; `iterations` is ln, so N = 2^iterations. */
export interface ScryptParams {
  readonly algorithm: 'scrypt';
  readonly iterations: number;
  readonly block_size: number;
  readonly parallelism: number;
  readonly key_length: number;
  readonly salt_length: number;
}

/** Authelia's `password.bcrypt` block; `sha256` pre-hashes so passwords over 72 bytes count. */
export interface BcryptParams {
  readonly algorithm: 'bcrypt';
  readonly variant: BcryptVariant;
  readonly cost: number;
}

export type HashParams = Argon2Params | Pbkdf2Params | ScryptParams | BcryptParams;

/** What callers pass: the algorithm, plus any parameters that differ from the defaults. */
export type HashParamsInput =
  | ({ algorithm: 'argon2' } & Partial<Omit<Argon2Params, 'algorithm'>>)
  | ({ algorithm: 'pbkdf2' } & Partial<Omit<Pbkdf2Params, 'algorithm'>>)
  | ({ algorithm: 'scrypt' } & Partial<Omit<ScryptParams, 'algorithm'>>)
  | ({ algorithm: 'bcrypt' } & Partial<Omit<BcryptParams, 'algorithm'>>);
