// tests/browser/case_walk.test.mjs — a case from the flag to its close, in a
// real browser, as the demo key worker: every step through the page's own
// links and forms (no POST made by hand), once in English and once in
// German, and the case's pages on a phone.
//
// Run by tests/browser/run.sh after pages.test.mjs, against the same server
// (CAIRN_BASE, CAIRN_ACCOUNTS as there).  Prints "ok - ..." / "not ok - ..."
// per step and "N passed, M failed".
//
// The walk: a learner of the caseload without a case (a flagged one from the
// home page in English; from the learner page in German) -> open a case ->
// start the assessment -> a needs assessment with the learner's own ratings
// beside the key worker's -> a plan goal (refused without a measure, the
// error beside the field; then a SMART goal) -> agree the plan -> draft the
// contract -> signatures (learner, guardian for a minor, key worker) -> the
// printed code checked on /verify/CODE -> start monitoring -> a review with
// a progress value -> the learner added to an intervention run and a session
// recorded with them present -> the case closed with its outcome.  The
// German walk also checks that no English text is left on a page where
// po/de.po has its translation.

import { launch, newContext, signIn, check, assert, summary } from './lib.mjs';
import { readFileSync } from 'node:fs';

const BASE = process.env.CAIRN_BASE;
const ACCOUNTS = JSON.parse(process.env.CAIRN_ACCOUNTS || '{}');
if (!BASE || !ACCOUNTS.keyworker) {
  console.log('not ok - CAIRN_BASE and CAIRN_ACCOUNTS (with the keyworker) are set (run tests/browser/run.sh)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// ---- the German catalogue ------------------------------------------------------------

// po/de.po as a map msgid -> msgstr (translated entries only; no plurals).
function readPo(file) {
  const out = new Map();
  const unq = (s) => JSON.parse(s);
  let id = null, str = null, cur = null;
  const flush = () => { if (id && str) out.set(id, str); id = str = cur = null; };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('msgid ')) { flush(); id = unq(line.slice(6)); cur = 'id'; }
    else if (line.startsWith('msgstr ')) { str = unq(line.slice(7)); cur = 'str'; }
    else if (line.startsWith('"') && cur === 'id') id += unq(line);
    else if (line.startsWith('"') && cur === 'str') str += unq(line);
    else if (!line.trim()) flush();
    else if (line.startsWith('msgid_plural')) cur = null;
  }
  flush();
  return out;
}
const DE = readPo(new URL('../../po/de.po', import.meta.url).pathname);

// The English msgids that must not show in German: translated to something
// else, a few words long, no placeholder (so a whole element's text can
// equal one).
const LEAKS = [...DE].filter(([id, s]) => s !== id && !id.includes('%') && / \S+ /.test(id)).map(([id]) => id);

// ---- helpers ---------------------------------------------------------------------------

const consoleErrors = [];
function watch(page) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const at = m.location() && m.location().url;
    if (/^Failed to load resource/.test(m.text()) && at === page.url()) return;
    consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

const path = (page) => new URL(page.url()).pathname;

// Choose a language with the navigation's switcher (the account's language).
async function chooseLanguage(page, code) {
  await page.locator('#lang-select').selectOption(code);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/language'),
    page.locator('form.language button[type="submit"]').click(),
  ]);
  await page.waitForFunction((c) => document.documentElement.lang === c, code);
}

// Click what submits a form and wait for the page the server answers with.
async function submit(page, locator) {
  await Promise.all([page.waitForEvent('load'), locator.click()]);
}

// The case's state as the case page shows it (dd.case-state data-state).
async function caseState(page) {
  return page.locator('dd.case-state').getAttribute('data-state');
}

// In German: the page's language, and no element whose whole text is an
// English msgid that po/de.po translates.
async function noEnglish(page, lang) {
  if (lang !== 'de') return;
  assert(await page.evaluate(() => document.documentElement.lang) === 'de', 'the page is not in German');
  const leaked = await page.evaluate((leaks) => {
    const set = new Set(leaks);
    const seen = [];
    for (const e of document.querySelectorAll('main *, title')) {
      const own = [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').replace(/\s+/g, ' ').trim();
      if (own && set.has(own)) seen.push(own);
    }
    return [...new Set(seen)];
  }, LEAKS);
  assert(leaked.length === 0, `English text left in German: ${leaked.slice(0, 5).map((s) => JSON.stringify(s)).join(', ')}`);
}

// No horizontal scrolling on a phone (as in pages.test.mjs).
async function noSideScroll(page) {
  const vw = page.viewportSize().width;
  const m = await page.evaluate(() => {
    const cw = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll('body *')].find((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.bottom > 0 && (r.right > cw + 1 || r.left < -1) && !e.closest('.scroll, table.attention');
    });
    return { sw: document.documentElement.scrollWidth, iw: window.innerWidth,
             out: out ? `${out.tagName.toLowerCase()}${out.id ? '#' + out.id : ''}${out.className ? '.' + out.className : ''}` : '' };
  });
  assert(m.sw <= vw && m.iw <= vw,
         `the page is ${m.sw} px wide on a ${vw} px screen${m.out ? '; first wide element: ' + m.out : ''}`);
}

// ---- the walk ---------------------------------------------------------------------------

const browser = await launch();
const walked = {};
try {
  for (const lang of ['en', 'de']) {
    const t = (s) => (lang === 'de' ? DE.get(s) || s : s);
    const L = `[${lang}] `;
    const ctx = await newContext(browser, { locale: lang === 'de' ? 'de-DE' : 'en-GB' });
    const kw = watch(await signIn(ctx, BASE, 'keyworker', ACCOUNTS.keyworker.password));
    if (lang !== 'en') await chooseLanguage(kw, lang);
    const w = { learner: null, ref: null, name: null, caseUrl: null, goal: null, code: null };
    walked[lang] = w;
    const ok = () => assert(w.caseUrl, 'no case was opened (an earlier step failed)');

    await check(`${L}the key worker finds a learner of their caseload without a case and opens one with one click`, async () => {
      await kw.goto(BASE + '/');
      assert(await kw.locator('h1').first().innerText() === t('Today'), 'the home page is not in the language');
      // in English a flagged learner from the home page's caseload list;
      // in German another learner of the caseload, from their own page
      const rows = kw.locator('main table.attention tbody tr');
      let button = null;
      const others = [];
      for (let i = 0; i < await rows.count(); i++) {
        const row = rows.nth(i);
        const form = row.locator('form.case-open');
        const who = row.locator('th a[href^="/learners/"]');
        const it = { learner: await who.getAttribute('href'), name: (await who.innerText()).trim(),
                     ref: (await row.locator('th .muted').innerText()).trim() };
        if (lang === 'en' && await form.count() === 1) {
          Object.assign(w, it);
          button = form.locator('button[type="submit"]');
          break;
        }
        if (await form.count() === 0) others.push(it);
      }
      // in German: a learner of the caseload with no open case, from their
      // own page (the Case section's form, which asks for a reason)
      for (const it of lang === 'en' ? [] : others) {
        await kw.goto(BASE + it.learner);
        const b = kw.locator(`main section[aria-labelledby="h-case"] form[action="${it.learner}/cases"] button[type="submit"]`);
        if (await b.count() !== 1) continue;
        Object.assign(w, it);
        button = b;
        if (await kw.locator('#case-reason').count()) await kw.locator('#case-reason').fill('Sie bittet selbst um Unterstützung');
        break;
      }
      assert(button, lang === 'en' ? 'no flagged learner without a case on the home page'
                                   : 'no learner of the caseload without an open case');
      assert(await button.innerText() === t('Open a case'), `the button says "${await button.innerText()}"`);
      await Promise.all([kw.waitForURL(/\/cases\/[0-9]+/), button.click()]);
      w.caseUrl = path(kw);
      assert(await caseState(kw) === 'open', `the new case is "${await caseState(kw)}"`);
      assert((await kw.locator('h1').innerText()).includes(w.name), 'the case page does not name the learner');
      assert(await kw.locator('p.notice[role="status"]').innerText() === t('Saved.'), 'no "Saved." notice');
      await noEnglish(kw, lang);
    });

    await check(`${L}the key worker takes the step to the assessment`, async () => {
      ok();
      await submit(kw, kw.getByRole('button', { name: t('Start the assessment') }));
      assert(await caseState(kw) === 'assessment', `the case is "${await caseState(kw)}"`);
      assert(await kw.locator('dd.case-state').innerText() === t('Assessment'), 'the state is not named in words');
      await noEnglish(kw, lang);
    });

    await check(`${L}a needs assessment records the learner's own view beside the key worker's`, async () => {
      ok();
      await kw.goto(BASE + w.caseUrl);
      await Promise.all([kw.waitForURL(/\/assessment/), kw.locator(`main a[href^="${w.caseUrl}/assessment"]`).first().click()]);
      await noEnglish(kw, lang);
      assert(await kw.getByLabel(t("Key worker's rating")).count() > 10, 'no rating per domain');
      await kw.locator('#need_attendance').selectOption('2');
      await kw.locator('#own_attendance').selectOption('3');
      await kw.locator('#need_career').selectOption('1');
      await kw.locator('#own_career').selectOption('0');
      await kw.locator('#strengths_attendance').fill('Comes in on time on practical days');
      await kw.locator('#comment_attendance').fill('Misses Mondays; says the bus is the problem');
      await submit(kw, kw.getByRole('button', { name: t('Save the assessment') }));
      assert(/assessment/.test(path(kw)) || path(kw) === w.caseUrl, `landed on ${kw.url()}`);
      const body = await kw.locator('main').innerText();
      assert(!(await kw.locator('#error-summary').count()), `refused: ${body.slice(0, 200)}`);
      assert(body.includes('Misses Mondays'), 'the comment is not shown after saving');
      // the attendance row shows 2 (the key worker) and 3 (the learner) side by side
      const row = kw.locator('main table tr').filter({ hasText: t('Attendance and engagement') }).first();
      assert(await row.count(), 'no row for attendance in a table');
      const cells = (await row.locator('td').allInnerTexts()).join(' | ');
      assert(/2/.test(cells) && /3/.test(cells), `the attendance row is "${cells}"`);
      await noEnglish(kw, lang);
    });

    await check(`${L}a goal without a measure is refused with the error beside the field, then a SMART goal is added`, async () => {
      ok();
      await kw.goto(BASE + w.caseUrl);
      await Promise.all([kw.waitForURL(/\/plan/), kw.locator(`main a[href^="${w.caseUrl}/plan"]`).first().click()]);
      await noEnglish(kw, lang);
      const form = kw.locator(`form[action="${w.caseUrl}/goals"]`);
      await kw.locator('#g-domain').selectOption('attendance');
      await kw.locator('#g-what').fill('Come in on Mondays');
      await kw.locator('#g-target').fill('9');
      await kw.locator('#g-baseline').fill('6');
      await kw.locator('#g-due_on').fill('2027-02-26');
      // the browser itself stops an empty required field first ...
      await kw.getByRole('button', { name: t('Add the goal') }).click();
      assert(await kw.locator('#g-measure').evaluate((e) => e.validity.valueMissing), 'the browser did not stop the empty measure');
      assert(path(kw).endsWith('/plan'), 'the form went off without its measure');
      // ... and the server refuses it too (a browser that does not check)
      await form.evaluate((f) => { f.noValidate = true; });
      await submit(kw, kw.getByRole('button', { name: t('Add the goal') }));
      await kw.waitForFunction(() => document.activeElement && document.activeElement.id === 'error-summary');
      assert(await kw.locator('#g-measure-error').isVisible(), 'no error beside the measure');
      assert(await kw.locator('#g-measure').getAttribute('aria-invalid') === 'true', 'the measure is not marked invalid');
      const said = await kw.locator('#g-measure-error').innerText();
      assert((await kw.locator('#error-summary').innerText()).includes(said), 'the summary does not say what the field says');
      assert(await kw.locator('#g-what').inputValue() === 'Come in on Mondays', 'what was typed is lost');
      await kw.locator('#g-measure').fill('days present of 10');
      await submit(kw, kw.getByRole('button', { name: t('Add the goal') }));
      assert(!(await kw.locator('#error-summary').count()), `refused: ${(await kw.locator('main').innerText()).slice(0, 300)}`);
      const plan = await kw.locator('section[data-plan="learning"]').innerText();
      assert(plan.includes('Come in on Mondays') && plan.includes('days present of 10'), `the goal is not in the plan: ${plan.slice(0, 300)}`);
      await noEnglish(kw, lang);
    });

    await check(`${L}the key worker agrees the plan`, async () => {
      ok();
      await kw.goto(BASE + w.caseUrl);
      await submit(kw, kw.getByRole('button', { name: t('Agree the plan') }));
      assert(!(await kw.locator('#error-summary').count()), `refused: ${(await kw.locator('main').innerText()).slice(0, 300)}`);
      assert(await caseState(kw) === 'plan_agreed', `the case is "${await caseState(kw)}"`);
      await noEnglish(kw, lang);
    });

    await check(`${L}the key worker drafts the contract`, async () => {
      ok();
      await Promise.all([kw.waitForURL(/\/contract/), kw.locator(`main a[href="${w.caseUrl}/contract"]`).first().click()]);
      await noEnglish(kw, lang);
      await kw.locator('#ct-school').fill('A quiet room on Mondays and a bus pass');
      await kw.locator('#ct-learner').fill('To come in on Mondays and to say when the bus fails');
      await submit(kw, kw.getByRole('button', { name: t('Save the draft') }));
      assert(!(await kw.locator('#error-summary').count()), `refused: ${(await kw.locator('main').innerText()).slice(0, 300)}`);
      const body = await kw.locator('main').innerText();
      assert(body.includes('A quiet room on Mondays'), 'the draft is not shown');
      assert(body.includes(t('Draft: it can still change until its first signature')), 'the page does not say it is a draft');
      await noEnglish(kw, lang);
    });

    await check(`${L}the learner (and a guardian for a minor) and the key worker sign, and the page prints a code`, async () => {
      ok();
      const roles = await kw.locator('#sg-role option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      const order = ['learner', 'guardian', 'key_worker'].filter((r) => roles.includes(r));
      assert(order.includes('learner') && order.includes('key_worker'), `who may sign: ${roles}`);
      for (const role of order) {
        if (!(await kw.locator('#sg-role').count())) break;     // all signed
        await kw.locator('#sg-role').selectOption(role);
        if (role !== 'key_worker') await kw.locator('#sg-name').fill(role === 'learner' ? w.name : 'A. Guardian');
        const screen = kw.locator('form[action$="/contract/sign"] input[name="method"]').first();
        if (await screen.count()) await screen.check();
        await submit(kw, kw.getByRole('button', { name: t('Record the signature') }));
        assert(!(await kw.locator('#error-summary').count()), `${role}: refused: ${(await kw.locator('main').innerText()).slice(0, 300)}`);
      }
      const sigs = kw.locator('main table').filter({ hasText: t('Signatures') });
      const text = await kw.locator('main').innerText();
      assert(!text.includes(t('Not signed yet')), 'a signature is still missing');
      assert(!text.includes(t('Waiting for the signature of:')), 'it still waits for a signature');
      assert(await sigs.count() || text.includes(t('Signatures')), 'no signatures listed');
      const code = await kw.evaluate((label) => {
        const dt = [...document.querySelectorAll('main dt')].find((e) => e.textContent.trim() === label);
        return dt && dt.nextElementSibling ? dt.nextElementSibling.textContent.trim() : null;
      }, t('Code for checking the paper'));
      assert(code && /^[A-Z0-9-]{6,}$/.test(code), `the code is "${code}"`);
      w.code = code;
      w.fingerprint = await kw.evaluate((label) => {
        const dt = [...document.querySelectorAll('main dt')].find((e) => e.textContent.trim() === label);
        return dt && dt.nextElementSibling ? dt.nextElementSibling.textContent.trim() : null;
      }, t('Fingerprint (SHA-256)'));
      await noEnglish(kw, lang);
    });

    await check(`${L}the print view shows the code, and /verify/CODE says signed and the fingerprint matches`, async () => {
      ok();
      assert(w.code, 'no code was read');
      // the print view is in the contract's own language (the learner's)
      const textLang = await kw.locator('pre.contract-text').getAttribute('lang');
      const print = kw.locator(`main a[href^="${w.caseUrl}/contract/print"]`).first();
      assert(await print.count(), 'no link to the print view');
      await Promise.all([kw.waitForURL(/\/print/), print.click()]);
      assert((await kw.locator('body').innerText()).includes(w.code), 'the print view does not show the code');
      assert(await kw.evaluate(() => document.documentElement.lang) === textLang,
        `the print view is not in the contract's language (${textLang})`);
      // the code as typed from the paper, on /verify/CODE
      const resp = await kw.goto(`${BASE}/verify/${encodeURIComponent(w.code)}`);
      assert(resp.status() === 200, `/verify answered ${resp.status()}`);
      const signed = new RegExp(t('Version %T of this learner contract was signed on %T.')
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('%T', '1').replace('%T', '.+'));
      let body = await kw.locator('main').innerText();
      assert(signed.test(body), `the verify page does not say version 1 is signed: ${body.slice(0, 300)}`);
      assert(body.includes(w.fingerprint), 'the verify page does not show the fingerprint on record');
      await noEnglish(kw, lang);
      // and with the fingerprint, through the form of /verify
      await kw.goto(`${BASE}/verify`);
      await kw.locator('#vf-code').fill(w.code);
      await kw.locator('#vf-fp').fill(w.fingerprint);
      await submit(kw, kw.locator('form[action="/verify"] button[type="submit"]'));
      body = await kw.locator('main').innerText();
      assert(body.includes(t('The fingerprint matches: the paper is the version on record.')), `no match said: ${body.slice(0, 300)}`);
      await noEnglish(kw, lang);
    });

    await check(`${L}the key worker starts monitoring`, async () => {
      ok();
      await kw.goto(BASE + w.caseUrl);
      await submit(kw, kw.getByRole('button', { name: t('Start monitoring') }));
      assert(await caseState(kw) === 'monitoring', `the case is "${await caseState(kw)}"`);
      await noEnglish(kw, lang);
    });

    await check(`${L}a review records progress on the goal`, async () => {
      ok();
      await Promise.all([kw.waitForURL(/\/reviews/), kw.locator(`main a[href^="${w.caseUrl}/reviews"]`).first().click()]);
      await noEnglish(kw, lang);
      const goal = kw.locator('input[id^="rv-goal-"]').first();
      assert(await goal.count(), 'no progress field for the goal');
      await goal.fill('8');
      await kw.locator('#rv-changed').fill('Came in on three Mondays out of four');
      const decisions = await kw.locator('#rv-decision option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      await kw.locator('#rv-decision').selectOption(decisions.includes('continue') ? 'continue' : decisions[0]);
      await submit(kw, kw.getByRole('button', { name: t('Record the review') }));
      assert(!(await kw.locator('#error-summary').count()), `refused: ${(await kw.locator('main').innerText()).slice(0, 400)}`);
      assert(/done=/.test(kw.url()), `landed on ${kw.url()}`);
      const body = await kw.locator('main').innerText();
      assert(body.includes('Came in on three Mondays'), 'the review is not listed');
      await noEnglish(kw, lang);
    });

    await check(`${L}the learner joins an intervention run and a session is recorded with them present`, async () => {
      ok();
      // the catalogue, an entry, and a run of it started for the learner
      await kw.goto(BASE + '/interventions');
      await noEnglish(kw, lang);
      await Promise.all([kw.waitForURL(/\/interventions\/[0-9]+$/),
                         kw.locator('main table a[href^="/interventions/"]').first().click()]);
      await noEnglish(kw, lang);
      await kw.locator('#run-mode').selectOption('individual');
      const me = kw.locator('#run-deliverer option').filter({ hasText: 'Molly' });
      if (await me.count()) await kw.locator('#run-deliverer').selectOption(await me.first().getAttribute('value'));
      await kw.locator('#run-start').fill('2025-03-03');
      await kw.locator('input[name="learner"]').fill(w.ref);
      await submit(kw, kw.getByRole('button', { name: t('Start the run') }));
      assert(!(await kw.locator('#error-summary').count()), `refused: ${(await kw.locator('main').innerText()).slice(0, 400)}`);
      assert(/\/intervention-runs\/[0-9]+/.test(path(kw)), `landed on ${kw.url()}`);
      w.run = path(kw);
      assert((await kw.locator('main').innerText()).includes(w.name), 'the learner is not among the participants');
      await noEnglish(kw, lang);
      const before = await kw.locator('#h-sessions ~ table tbody tr').count();
      await kw.locator('#ses-held').fill('2025-03-10');
      await kw.locator('#ses-minutes').fill('50');
      const box = kw.locator('fieldset label').filter({ hasText: w.name }).locator('input[type="checkbox"]');
      assert(await box.count() === 1, 'no box to tick for the learner');
      await box.check();
      await submit(kw, kw.locator('form[action$="/sessions"] button[type="submit"]'));
      assert(!(await kw.locator('#error-summary').count()), `refused: ${(await kw.locator('main').innerText()).slice(0, 400)}`);
      assert(await kw.locator('#h-sessions ~ table tbody tr').count() === before + 1, 'the session is not listed');
      // the case page lists the intervention with the session attended
      await kw.goto(BASE + w.caseUrl);
      const iv = kw.locator('section[aria-labelledby="h-case-iv"]');
      assert(await iv.count(), 'the case page has no interventions section');
      const row = iv.locator(`tr:has(a[href="${w.run}"])`);
      assert(await row.count() === 1, `the case page does not list the run: ${await iv.innerText()}`);
      assert(/1\D+1/.test(await row.innerText()), `the run's row: ${await row.innerText()}`);
      await noEnglish(kw, lang);
    });

    await check(`${L}the key worker closes the case with its outcome`, async () => {
      ok();
      await kw.goto(BASE + w.caseUrl);
      await kw.locator('#step-outcome').selectOption('returned');
      await kw.locator('#step-reason-close').fill('Attends again; the contract is kept');
      await submit(kw, kw.getByRole('button', { name: t('Close the case') }));
      assert(await caseState(kw) === 'closed', `the case is "${await caseState(kw)}"`);
      const facts = await kw.locator('dl.facts').innerText();
      assert(facts.includes(t('Returned to learning')), `the outcome is not shown: ${facts}`);
      await noEnglish(kw, lang);
    });

    if (lang !== 'en') await chooseLanguage(kw, 'en');
    await ctx.close();
  }

  // ---- the case's pages on a phone ------------------------------------------------------
  await check('on a phone (390 px) the case, assessment, plan, reviews and contract pages do not scroll sideways', async () => {
    const c = walked.en && walked.en.caseUrl;
    assert(c, 'no case was walked');
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true,
                                           hasTouch: true, locale: 'en-GB', colorScheme: 'light', reducedMotion: 'reduce' });
    const ph = watch(await signIn(ctx, BASE, 'keyworker', ACCOUNTS.keyworker.password));
    const wide = [];
    for (const p of ['', '/assessment', '/plan', '/reviews', '/contract', '/contract/print']) {
      await ph.goto(BASE + c + p);
      try { await noSideScroll(ph); } catch (e) { wide.push(`${c}${p}: ${e.message}`); }
    }
    await ctx.close();
    assert(!wide.length, wide.join('; '));
  });

  await check('no page of the walk had a console error or a Content-Security-Policy violation', async () => {
    assert(consoleErrors.length === 0, consoleErrors.slice(0, 5).join('\n'));
  });
} finally {
  await browser.close();
}
process.exit(summary());
