/**
 * @simplewebauthn/server, loaded on the first ceremony (issue #14): it brings ~70 modules and
 * @peculiar/x509's ASN.1 stack (~9 MiB of RSS, ~40 ms of start-up) that a server whose users never
 * touch a security key does not need. One import, shared by registration and authentication.
 */
type SimpleWebAuthn = typeof import('@simplewebauthn/server');

let loading: Promise<SimpleWebAuthn> | undefined;

export const simpleWebAuthn = (): Promise<SimpleWebAuthn> => (loading ??= import('@simplewebauthn/server'));
