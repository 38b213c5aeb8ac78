/** What each scope means, in words a person can weigh before consenting. */
const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = Object.freeze({
  openid: 'Verify your identity',
  offline_access: 'Stay signed in (refresh tokens)',
  profile: 'Your name and username',
  email: 'Your email addresses',
  groups: 'Your group memberships',
  'authelia.bearer.authz': 'Access protected resources on your behalf',
});

/** Plain words for a scope; an unknown (client-defined) scope is shown by its own name. */
export function describeScope(scope: string): string {
  return Object.hasOwn(SCOPE_DESCRIPTIONS, scope) ? SCOPE_DESCRIPTIONS[scope] : scope;
}
