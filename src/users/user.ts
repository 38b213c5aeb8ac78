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
   * A user's current details from memory, without waiting: the details, null when there is no
   * such user (or the user is disabled, for LDAP: the users filter leaves them out), or undefined
   * when memory cannot tell (LDAP: not looked up within `refresh_interval`): then call `lookup`.
   * The file backend always knows. The username is matched exactly (case-sensitive), like
   * Authelia's default. Disabled users of the file are returned with `disabled: true`.
   */
  peek(username: string): UserDetails | null | undefined;
  /**
   * The same, asking the directory when memory cannot tell. Rejects with UsersUnavailableError
   * when it cannot be asked: the caller answers "try again later" (503), never a pass, and never
   * "no such user".
   */
  lookup(username: string): Promise<UserDetails | null>;
  /**
   * False for an unknown user, a disabled user or a wrong password. Each case verifies one digest,
   * so timing does not reveal whether a user exists or is disabled. Rejects with
   * HashVerificationBusyError when the verification queue is full (nothing was checked: answer
   * 503, and do not count a failed attempt), and with UsersUnavailableError when the directory
   * cannot be asked (the same).
   */
  checkPassword(username: string, password: string): Promise<boolean>;
  /**
   * Sets a new password (the portal's password reset): false for an unknown user. The file backend
   * writes the users file with the configured hash; LDAP asks the directory. Rejects when the
   * write fails. Absent: this backend cannot change passwords.
   */
  changePassword?(username: string, newPassword: string): Promise<boolean>;
  /** Increments whenever a reload changed anything: sessions compare it to re-check their user. */
  readonly version: number;
  close(): void;
}
