/** RFC 6749 §5.2: every error answer carries an `error_description`; invalid_client says why only with debug messages. */
import t from 'tap';
import { ERROR_DESCRIPTIONS, OAuthError, type OAuthErrorCode } from '../../src/oauth/errors.js';

t.test('clientDescription: the thrown text, §5.2 words when there is none, and a general invalid_client', async (t) => {
  const rows: Array<[rule: string, error: OAuthErrorCode, description: string, debug: boolean, expected: string]> = [
    ['the thrown description, debug off', 'unauthorized_client', "The client is not allowed to use the grant_type 'refresh_token'.", false, "The client is not allowed to use the grant_type 'refresh_token'."],
    ['the thrown description, debug on', 'invalid_grant', 'The authorization code was already used.', true, 'The authorization code was already used.'],
    ['an empty description falls back to the RFC words', 'access_denied', '', false, 'The resource owner or authorization server denied the request.'],
    ['invalid_client, debug off: the general words, whatever the cause', 'invalid_client', 'The client assertion signature is invalid.', false, ERROR_DESCRIPTIONS.invalid_client],
    ['invalid_client, debug on: which check failed', 'invalid_client', 'The client assertion signature is invalid.', true, 'The client assertion signature is invalid.'],
  ];
  for (const [rule, error, description, debug, expected] of rows) {
    const err = new OAuthError(error, description);
    t.equal(err.clientDescription(debug), expected, rule);
    t.same(err.toJSON(debug), { error, error_description: expected }, `${rule}: toJSON`);
  }
});

t.test('every code has non-empty RFC words', async (t) => {
  for (const [code, words] of Object.entries(ERROR_DESCRIPTIONS)) t.ok(words.length > 20, code);
});
