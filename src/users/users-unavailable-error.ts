/**
 * The users backend could not answer (the directory is down, slow, or refused the service
 * account): nothing was decided about the user. The portal answers "try again later" (503), the
 * verify endpoint 503 — never a pass, and never a wrong password or an unknown user.
 */
export class UsersUnavailableError extends Error {
  readonly code = 'ERR_USERS_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsersUnavailableError';
  }
}
