/** The login portal's pages. */
import type { AppContext } from '../../context.js';
import type { Route } from '../../http/router.js';
import { consentRoutes } from './consent.js';
import { logoutRoutes } from './logout.js';
import { secondFactorRoutes } from './second-factor.js';
import { settingsRoutes } from './settings.js';
import { passwordResetRoutes } from './password-reset.js';
import { signInRoutes } from './sign-in.js';
import { stylesheetRoutes } from './stylesheet.js';
import { totpEnrolmentRoutes } from './totp-enrolment.js';
import { passkeySignInRoutes } from './passkey-sign-in.js';
import { webauthnRegistrationRoutes } from './webauthn-registration.js';
import { webauthnScriptRoutes } from './webauthn-script.js';
import { copyScriptRoutes } from './copy-script.js';
import { portalDepsFrom } from './deps.js';

/** Every page takes the portal's slice of the context (deps.ts), built here once. */
export function portalRoutes(ctx: AppContext): Route[] {
  const deps = portalDepsFrom(ctx);
  return [...signInRoutes(deps), ...secondFactorRoutes(deps), ...totpEnrolmentRoutes(deps), ...settingsRoutes(deps), ...passwordResetRoutes(deps), ...logoutRoutes(deps), ...consentRoutes(deps), ...stylesheetRoutes(), ...webauthnRegistrationRoutes(deps), ...passkeySignInRoutes(deps), ...webauthnScriptRoutes(), ...copyScriptRoutes()];
}
