/**
 * The digest an unknown user's password is checked against, so "no such user" costs as much time
 * as "wrong password". One home for the rule, shared with client authentication: see
 * src/crypto/password-hash/dummy-digest.ts.
 */
export { pickDummyDigest } from '../crypto/password-hash/index.js';
