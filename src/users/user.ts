/** The people who may log in, as the portal and the OIDC claims see them. */

export interface UserDetails {
  username: string;
  display_name: string;
  /** The first address is the primary one (the `email` claim); the rest are alternates. */
  emails: string[];
  groups: string[];
  disabled: boolean;
}

export interface UserRecord extends UserDetails {
  /** A stored digest `parseDigest` reads; never logged, never leaves the backend. */
  password_digest: string;
}

export interface UsersBackend {
  /**
   * Current details of a user, or null when unknown. The username is matched exactly
   * (case-sensitive), like Authelia's default. Disabled users are returned with `disabled: true`.
   */
  get(username: string): UserDetails | null;
  /**
   * False for an unknown user, a disabled user or a wrong password. Each case verifies one digest,
   * so timing does not reveal whether a user exists or is disabled. Rejects with
   * HashVerificationBusyError when the verification queue is full (nothing was checked: answer
   * 503, and do not count a failed attempt).
   */
  checkPassword(username: string, password: string): Promise<boolean>;
  /** Increments whenever a reload changed anything: sessions compare it to re-check their user. */
  readonly version: number;
  close(): void;
}
