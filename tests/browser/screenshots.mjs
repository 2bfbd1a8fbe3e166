// tests/browser/screenshots.mjs — PNGs of the main pages in every language,
// for docs/screenshots/ (run through scripts/screenshots.sh, which makes
// the demo school and starts the server).
//
// Environment: CAIRN_BASE (http://127.0.0.1:PORT), CAIRN_ACCOUNTS (JSON, as
// for pages.test.mjs), CAIRN_SHOTS (the directory to write to).
//
// Writes <page>-<lang>.png at 1280x900 for the sign-in page, the dashboard,
// a learner page, a group page and the model page in en, de, uk and ar,
// <page>-<lang>-phone.png at 375x812 for the dashboard and the learner page
// in en and ar, home-<role>-<lang>[-phone].png for each role's home page on
// a desktop and a phone in en and ar, the intervention pages (catalogue,
// entry, run) in en and ar, the key worker's caseload and a monitored case
// (the case, assessment, plan, reviews, contract, print view, /verify) in en
// and de (some also on a phone), plus README.md listing them.  A page is shot whole when the
// PNG stays under 300 KB, else only its first screen.

import { launch, newContext, signIn } from './lib.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BASE = process.env.CAIRN_BASE;
const ACCOUNTS = JSON.parse(process.env.CAIRN_ACCOUNTS || '{}');
const OUT = process.env.CAIRN_SHOTS;
if (!BASE || !ACCOUNTS.leader || !OUT) {
  console.error('screenshots.mjs: set CAIRN_BASE, CAIRN_ACCOUNTS and CAIRN_SHOTS (run scripts/screenshots.sh)');
  process.exit(2);
}
const LANGS = ['en', 'de', 'uk', 'ar'];
const PHONE_LANGS = ['en', 'ar'];
const MAX_BYTES = 300 * 1024;
const NAMES = { en: 'English', de: 'German', uk: 'Ukrainian', ar: 'Arabic, right to left' };
const PAGES = {
  login: 'the sign-in page (/login?lang=..)',
  home: 'the home page (/)',
  dashboard: "the school leader's dashboard (/dashboard)",
  learner: 'the page of the most urgent learner on the dashboard (/learners/{id})',
  group: "that learner's group: weekly attendance as a heat map (/groups/{code})",
  interventions: 'the intervention catalogue (/interventions)',
  intervention: 'a catalogue entry with its runs (/interventions/{id})',
  run: 'a run of an intervention: participants, sessions, effect (/intervention-runs/{id})',
  model: 'the early-warning model for a school leader: how early it warns, in plain words, first (/model)',
  audit: "the data protection officer's audit log (/audit)",
  readers: "a learner of the key worker's caseload, with who has seen the record (/learners/{id})",
};

mkdirSync(OUT, { recursive: true });
const made = [];

// Shoot page into OUT/name.png: whole when small enough, else the window.
async function shoot(page, name, what) {
  let png = await page.screenshot({ fullPage: true, animations: 'disabled' });
  let whole = true;
  if (png.length > MAX_BYTES) {
    png = await page.screenshot({ fullPage: false, animations: 'disabled' });
    whole = false;
  }
  const file = `${name}.png`;
  writeFileSync(join(OUT, file), png);
  made.push({ file, what, whole, kb: Math.round(png.length / 1024) });
  console.log(`${file}  ${Math.round(png.length / 1024)} KB${whole ? '' : ' (first screen only)'}`);
}

// Choose a language with the navigation's switcher, as a person would.
async function chooseLanguage(page, code) {
  await page.locator('#lang-select').selectOption(code);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/language'),
    page.locator('form.language button[type="submit"]').click(),
  ]);
  await page.waitForFunction((c) => document.documentElement.lang === c, code);
}

const browser = await launch();
try {
  // the sign-in page, nobody signed in
  const anon = await newContext(browser);
  const lp = await anon.newPage();
  for (const lang of LANGS) {
    await lp.goto(`${BASE}/login?lang=${lang}`);
    await shoot(lp, `login-${lang}`, `${PAGES.login}, ${NAMES[lang]}`);
  }
  await anon.close();

  // the leader's pages, desktop
  const ctx = await newContext(browser);
  const page = await signIn(ctx, BASE, 'leader', ACCOUNTS.leader.password);
  await page.goto(`${BASE}/dashboard`);
  const learner = await page.locator('table.attention tbody tr th a').first().getAttribute('href');
  await page.goto(BASE + learner);
  const group = await page.locator('dl.facts a[href^="/groups/"]').first().getAttribute('href');
  for (const lang of LANGS) {
    await page.goto(`${BASE}/dashboard`);
    await chooseLanguage(page, lang);
    await shoot(page, `dashboard-${lang}`, `${PAGES.dashboard}, ${NAMES[lang]}`);
    await page.goto(BASE + learner);
    await shoot(page, `learner-${lang}`, `${PAGES.learner}, ${NAMES[lang]}`);
    await page.goto(BASE + group);
    await shoot(page, `group-${lang}`, `${PAGES.group}, ${NAMES[lang]}`);
    await page.goto(`${BASE}/model`);
    await shoot(page, `model-${lang}`, `${PAGES.model}, ${NAMES[lang]}`);
  }

  // a phone (the leader's language is the account's, so it carries over)
  const phone = await newContext(browser, { phone: true, scale: 1 });
  const pp = await signIn(phone, BASE, 'leader', ACCOUNTS.leader.password);
  for (const lang of PHONE_LANGS) {
    await pp.goto(`${BASE}/dashboard`);
    await chooseLanguage(pp, lang);
    await shoot(pp, `dashboard-${lang}-phone`, `${PAGES.dashboard} on a phone (375x812), ${NAMES[lang]}`);
    await pp.goto(BASE + learner);
    await shoot(pp, `learner-${lang}-phone`, `${PAGES.learner} on a phone (375x812), ${NAMES[lang]}`);
  }
  await pp.goto(`${BASE}/dashboard`);
  await chooseLanguage(pp, 'en');

  // the intervention pages: the key worker's catalogue, an entry, and the
  // run they deliver (names shown); the teacher's run (effect with figures)
  for (const [user, run] of [['keyworker', 2], ['teacher', 1]]) {
    if (!ACCOUNTS[user]) continue;
    const c = await newContext(browser);
    const ip = await signIn(c, BASE, user, ACCOUNTS[user].password);
    for (const lang of PHONE_LANGS) {
      await ip.goto(`${BASE}/interventions`);
      await chooseLanguage(ip, lang);
      if (user === 'keyworker') {
        await shoot(ip, `interventions-${lang}`, `${PAGES.interventions}, ${NAMES[lang]}`);
        await ip.goto(`${BASE}/interventions/1`);
        await shoot(ip, `intervention-${lang}`, `${PAGES.intervention}, ${NAMES[lang]}`);
      }
      await ip.goto(`${BASE}/intervention-runs/${run}`);
      await shoot(ip, `intervention-run-${user}-${lang}`, `the ${user === 'keyworker' ? 'key worker' : 'teacher'}'s ${PAGES.run}, ${NAMES[lang]}`);
    }
    await chooseLanguage(ip, 'en');
    await c.close();
  }

  // each role's home page, desktop and phone, English and Arabic
  const ROLES = { leader: 'school leader', keyworker: 'key worker', teacher: 'teacher', admin: 'administrator' };
  for (const [user, role] of Object.entries(ROLES)) {
    if (!ACCOUNTS[user]) continue;
    for (const phoneShot of [false, true]) {
      const c = await newContext(browser, phoneShot ? { phone: true, scale: 1 } : {});
      const hp = await signIn(c, BASE, user, ACCOUNTS[user].password);
      for (const lang of PHONE_LANGS) {
        await hp.goto(`${BASE}/`);
        await chooseLanguage(hp, lang);
        await shoot(hp, `home-${user}-${lang}${phoneShot ? '-phone' : ''}`,
                    `the ${role}'s ${PAGES.home}${phoneShot ? ' on a phone (375x812)' : ''}, ${NAMES[lang]}`);
      }
      await chooseLanguage(hp, 'en');
      await c.close();
    }
  }

  // the data protection officer's audit log, and what the key worker sees
  // of who has read a record of their caseload
  if (ACCOUNTS.dpo) {
    const c = await newContext(browser);
    const dp = await signIn(c, BASE, 'dpo', ACCOUNTS.dpo.password);
    for (const lang of PHONE_LANGS) {
      await dp.goto(`${BASE}/audit`);
      await chooseLanguage(dp, lang);
      await shoot(dp, `audit-${lang}`, `${PAGES.audit}, ${NAMES[lang]}`);
    }
    await chooseLanguage(dp, 'en');
    await c.close();
  }
  if (ACCOUNTS.keyworker) {
    const c = await newContext(browser);
    const kp = await signIn(c, BASE, 'keyworker', ACCOUNTS.keyworker.password);
    await kp.goto(`${BASE}/`);
    const mine = await kp.locator('a[href^="/learners/"]').first().getAttribute('href');
    await kp.goto(BASE + mine);
    await kp.locator('#h-readers').scrollIntoViewIfNeeded();
    await shoot(kp, 'learner-readers-en', `${PAGES.readers}, ${NAMES.en}`);
    await c.close();
  }
  // the key worker's case room: the caseload, a monitored case of the demo
  // (the first such on their home page) with its assessment, plan, reviews
  // and contract, the contract's print view and its check on /verify
  if (ACCOUNTS.keyworker) {
    for (const phoneShot of [false, true]) {
      const c = await newContext(browser, phoneShot ? { phone: true, scale: 1 } : {});
      const kp = await signIn(c, BASE, 'keyworker', ACCOUNTS.keyworker.password);
      await kp.goto(`${BASE}/`);
      const cases = [...new Set(await kp.locator('main a[href^="/cases/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))];
      let kase = null;
      for (const href of cases) {
        await kp.goto(BASE + href);
        if (await kp.locator('dd.case-state').getAttribute('data-state') === 'monitoring') { kase = href; break; }
      }
      if (!kase) { console.error('screenshots.mjs: no monitored case on the key worker\'s home page'); await c.close(); continue; }
      await kp.goto(`${BASE}${kase}/contract`);
      const code = await kp.locator('main dl.facts code').first().innerText().catch(() => null);
      const langs = phoneShot ? ['en'] : ['en', 'de'];
      const sfx = phoneShot ? '-phone' : '';
      const on = phoneShot ? ' on a phone (375x812)' : '';
      for (const lang of langs) {
        await kp.goto(`${BASE}/`);
        await chooseLanguage(kp, lang);
        const shots = [
          ['caseload', '/dashboard?tier=all', "the key worker's whole caseload, searched and sorted (/dashboard?tier=all)"],
          ['case', kase, 'a case being monitored: state, tier, tasks, assessment, plan, contract, interventions (/cases/{id})'],
          ['case-assessment', `${kase}/assessment`, "its needs assessment, the learner's own view beside the key worker's (/cases/{id}/assessment)"],
          ['case-plan', `${kase}/plan`, 'its plan with SMART goals (/cases/{id}/plan)'],
          ['case-reviews', `${kase}/reviews`, 'its reviews, with progress on each goal (/cases/{id}/reviews)'],
          ['case-contract', `${kase}/contract`, 'its signed learner contract (/cases/{id}/contract)'],
          ['case-contract-print', `${kase}/contract/print`, "the contract's print view, in the learner's language (/cases/{id}/contract/print)"],
        ];
        if (code) shots.push(['verify', `/verify/${encodeURIComponent(code)}`, "the contract's check by its printed code (/verify/{code})"]);
        for (const [name, url, what] of shots) {
          if (phoneShot && !['case', 'case-contract', 'case-plan', 'case-assessment'].includes(name)) continue;
          await kp.goto(BASE + url);
          await shoot(kp, `${name}-${lang}${sfx}`, `${what}${on}, ${NAMES[lang]}`);
        }
      }
      await kp.goto(`${BASE}/`);
      await chooseLanguage(kp, 'en');
      await c.close();
    }
  }
} finally {
  await browser.close();
}

const lines = [
  '# Screenshots',
  '',
  'The staff pages of a demo school (`cairn demo --learners 200`, scored as of',
  '2025-03-14, 2025-02-14 and 2025-01-17, then `cairn train`), signed in as the',
  'demo school leader, in headless Chromium (tests/browser/screenshots.mjs).',
  'Made by `scripts/screenshots.sh`, which rewrites this folder; do not edit by',
  'hand.  Desktop shots are 1280x900, phone shots 375x812.',
  'A page is shown whole when its PNG stays under 300 KB, else its first screen.',
  'All names and data are made up by the demo generator.',
  '',
  '| file | what | shown |',
  '| --- | --- | --- |',
  ...made.map((m) => `| [${m.file}](${m.file}) | ${m.what} | ${m.whole ? 'whole page' : 'first screen'} |`),
  '',
];
writeFileSync(join(OUT, 'README.md'), lines.join('\n'));
console.log(`${made.length} screenshots in ${OUT}`);
