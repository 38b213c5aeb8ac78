/** Moved to src/oauth/signed-response.ts (oauth may not import oidc); this re-export goes once jarm.ts and userinfo.ts import from there. */
export { signResponse, signingAlgOf, type SignedResponseInput } from '../oauth/signed-response.js';
