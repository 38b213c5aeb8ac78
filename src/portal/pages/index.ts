/** The portal's pages: pure `(model) => string` renderers, plus the stylesheet they link to. */
export { renderSignIn, type SignInModel } from './sign-in.js';
export { renderSecondFactor, type SecondFactorModel } from './second-factor.js';
export { renderTotpEnrolment, type TotpEnrolmentModel } from './totp-enrolment.js';
export { renderSettings, type SettingsModel, type SettingsFactor } from './settings.js';
export { renderElevation, maskAddress, type ElevationModel } from './elevation.js';
export { renderResetRequest, renderNewPassword, type ResetRequestModel, type NewPasswordModel } from './reset-password.js';
export { renderConsent, type ConsentModel } from './consent.js';
export { renderSignedOut, SIGNED_OUT_SCRIPT_HASH, type SignedOutModel } from './signed-out.js';
export { renderLogoutConfirmation, LOGOUT_CHOICE_FIELD, type LogoutChoice, type LogoutConfirmationModel } from './logout-confirmation.js';
export { renderError, errorTitle, type ErrorPageModel } from './error-page.js';
export { renderSignedIn, type SignedInModel, type AuthenticationLevel } from './signed-in.js';
export { describeScope } from './describe-scope.js';
export { renderOutOfBand } from './out-of-band.js';
export { PORTAL_FIELDS, CONSENT_DECISIONS, type ConsentDecision } from './fields.js';
export { LOGOUT_PATH } from './form-parts.js';
export { STYLESHEET_PATH, THEME_STYLESHEET_PATH, FAVICON_PATH, LOGO_PATH } from './layout.js';
export { ONE_TIME_CODE_PATTERN } from './one-time-code.js';
export { STYLESHEET, STYLESHEET_ETAG, STYLESHEET_CONTENT_TYPE, STYLESHEET_CACHE_CONTROL, THEMES, themeStylesheet, type Theme } from './style.js';
