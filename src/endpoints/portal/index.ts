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

export function portalRoutes(ctx: AppContext): Route[] {
  return [...signInRoutes(ctx), ...secondFactorRoutes(ctx), ...totpEnrolmentRoutes(ctx), ...settingsRoutes(ctx), ...passwordResetRoutes(ctx), ...logoutRoutes(ctx), ...consentRoutes(ctx), ...stylesheetRoutes(), ...webauthnRegistrationRoutes(ctx), ...passkeySignInRoutes(ctx), ...webauthnScriptRoutes(), ...copyScriptRoutes()];
}
