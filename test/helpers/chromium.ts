/**
 * Headless Chromium from Debian's package, driven by playwright-core (no browser download).
 * The flags keep it off the network: this machine has none, and Chromium's background
 * services would otherwise retry connections for the whole run.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['GATEHOUSE_CHROMIUM'] ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run .ci/install-deps`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * Every Content-Security-Policy violation `page` reports, as text: Chromium's console message
 * ("Refused to send form data to … because it violates … form-action …") and each
 * `securitypolicyviolation` event (CSP3 §5.1), which an init script (exempt from the page's CSP)
 * relays to the console.
 */
export async function watchCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  // A string, not a function: the test build has no DOM types.
  await page.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => console.error(`securitypolicyviolation: ${e.effectiveDirective} blocked ${e.blockedURI} on ${e.documentURI}`));",
  );
  page.on('console', (m) => {
    if (/Content Security Policy|securitypolicyviolation/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}
