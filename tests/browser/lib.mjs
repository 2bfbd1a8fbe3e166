// tests/browser/lib.mjs — what the browser tests and the screenshot script
// share: launching Debian's chromium through playwright-core, signing in
// through the form, and a tiny TAP-style runner ("ok - ..." / "not ok - ...").
//
// No test framework: check() runs one named step and prints one line; the
// caller prints the "N passed, M failed" line with summary().

import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';

// Chromium from the Debian package (scripts/deps.sh check installs it);
// playwright's own browser downloads are not used (and not reachable).
export const CHROMIUM = process.env.CAIRN_CHROMIUM || '/usr/bin/chromium';

// Why each flag: we run as root in a container without a GPU or outside
// network, so no sandbox, no GPU, and none of chromium's own background
// connections (QUIC, component updates, sync, field trials), which would
// otherwise fail noisily on stderr.  --headless is added by playwright
// (headless: true); playwright also gives every launch a fresh temporary
// --user-data-dir of its own and removes it at close.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (scripts/deps.sh check installs the Debian package chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60000 });
}

// A fresh browser context (its own cookies): English unless told, desktop
// 1280x900 unless phone is set (375x812, a touch screen that honours the
// page's <meta name="viewport">, at scale device pixels per CSS pixel).
export async function newContext(browser, { locale = 'en-GB', phone = false, scale = 2 } = {}) {
  const opts = phone
    ? { viewport: { width: 375, height: 812 }, deviceScaleFactor: scale, isMobile: true, hasTouch: true }
    : { viewport: { width: 1280, height: 900 } };
  const ctx = await browser.newContext({ ...opts, locale, colorScheme: 'light', reducedMotion: 'reduce' });
  ctx.setDefaultTimeout(15000);
  ctx.setDefaultNavigationTimeout(20000);
  return ctx;
}

// Sign in as a person would: open /login, type the user name and the
// password into the labelled fields, press the button.  Returns the page,
// on wherever the server sent it (the dashboard).
export async function signIn(ctx, base, user, password, path = '/login') {
  const page = await ctx.newPage();
  await page.goto(base + path);
  await page.locator('form.login input[name="username"]').fill(user);
  await page.locator('form.login input[name="password"]').fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.locator('form.login button[type="submit"]').click(),
  ]);
  return page;
}

// ---- the runner --------------------------------------------------------------

let passed = 0;
let failed = 0;

// Run fn (async); "ok - name" if it returns, else "not ok - name" and the
// reason as "# ..." lines.  Returns fn's value, or undefined on failure.
// fn may throw skip(why) to print "ok - # SKIP why".
export async function check(name, fn) {
  try {
    const v = await fn();
    passed++;
    console.log(`ok - ${name}`);
    return v;
  } catch (e) {
    if (e instanceof Skip) {
      passed++;
      console.log(`ok - # SKIP ${name}: ${e.message}`);
      return undefined;
    }
    failed++;
    console.log(`not ok - ${name}`);
    const msg = String(e && e.stack ? e.message : e).split('\n').slice(0, 8);
    for (const line of msg) console.log(`#   ${line}`);
    return undefined;
  }
}

class Skip extends Error {}
export function skip(why) { return new Skip(why); }

// A failed check with a message, for use inside check().
export function assert(cond, msg) { if (!cond) throw new Error(msg); }

export function failures() { return failed; }

// The last line, like the shell tests: "N passed, M failed".
export function summary() {
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
