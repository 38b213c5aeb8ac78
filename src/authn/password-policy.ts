/**
 * Authelia's `password_policy`: what a new password set through the portal must satisfy — the
 * `standard` rules (length, character classes) or a `zxcvbn` strength score (@zxcvbn-ts, with
 * the common and English dictionaries). A password in, the problems out (empty: accepted).
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import type { PasswordPolicyConfig } from '../config/schema/password-policy.js';

export type PasswordPolicy = Readonly<{ standard: Readonly<PasswordPolicyConfig['standard']>; zxcvbn: Readonly<PasswordPolicyConfig['zxcvbn']> }>;

/**
 * Loaded and built on first use (issue #14): the dictionaries are a few MB, decompressed when their
 * modules are evaluated (~70 ms of start-up and ~9 MiB of RSS), and not needed by a server that
 * never resets a password.
 */
let factory: Promise<ZxcvbnFactory> | undefined;
const strength = (): Promise<ZxcvbnFactory> =>
  (factory ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]).then(
    ([{ ZxcvbnFactory }, common, english]) =>
      new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...english.dictionary }, graphs: common.adjacencyGraphs, translations: english.translations }),
  ));

/** Every rule the password breaks, in words for the person; with neither policy enabled, only "not empty". */
export async function passwordProblems(password: string, policy: PasswordPolicy, userInputs: readonly string[] = []): Promise<string[]> {
  if (password === '') return ['The password must not be empty.'];
  const problems: string[] = [];
  const { standard, zxcvbn } = policy;
  if (standard.enabled) {
    const length = [...password].length;
    if (length < standard.min_length) problems.push(`It must be at least ${standard.min_length} characters long.`);
    if (standard.max_length > 0 && length > standard.max_length) problems.push(`It must be at most ${standard.max_length} characters long.`);
    if (standard.require_uppercase && !/\p{Lu}/u.test(password)) problems.push('It must contain an upper-case letter.');
    if (standard.require_lowercase && !/\p{Ll}/u.test(password)) problems.push('It must contain a lower-case letter.');
    if (standard.require_number && !/\p{N}/u.test(password)) problems.push('It must contain a number.');
    if (standard.require_special && !/[^\p{L}\p{N}]/u.test(password)) problems.push('It must contain a special character (neither a letter nor a number).');
  }
  if (zxcvbn.enabled) {
    const result = (await strength()).check(password, [...userInputs]);
    if (result.score < zxcvbn.min_score) {
      problems.push(['It is too easy to guess.', result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => typeof s === 'string' && s !== '').join(' '));
    }
  }
  return problems;
}
