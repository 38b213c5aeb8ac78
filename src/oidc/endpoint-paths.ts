/** The provider's paths live with every other path (src/util/paths.ts); this name stays for its importers. */
export { OIDC_PATHS } from '../util/paths.js';
