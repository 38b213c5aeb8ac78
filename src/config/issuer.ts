/**
 * The OpenID Connect issuer identifier: `identity_providers.oidc.issuer`, else the portal URL of
 * the first session cookie (`session.cookies[0].authelia_url`), without trailing slashes.
 * Config validation and start-up both call this, so they cannot disagree about when one is missing.
 */

/** The two options the issuer comes from; readonly so the frozen runtime model fits too. */
export interface IssuerSources {
  identity_providers?: { readonly oidc?: { readonly issuer?: string | undefined } | undefined } | undefined;
  session: { readonly cookies: readonly { readonly authelia_url: string }[] };
}

/** The issuer, or undefined when neither option names one. */
export function issuerOf(config: IssuerSources): string | undefined {
  const issuer = config.identity_providers?.oidc?.issuer ?? config.session.cookies[0]?.authelia_url;
  // Discovery, `iss` and RFC 9207 compare the issuer as a string: one spelling everywhere.
  return issuer?.replace(/\/+$/, '');
}
