// tests/browser/pages.test.mjs — the staff pages in a real browser, used
// the way a person uses them: typing into the sign-in form, clicking links
// and buttons, the keyboard, the language switcher, a phone screen.
//
// Run by tests/browser/run.sh, which makes the demo school, starts the
// server and passes, in the environment:
//   CAIRN_BASE        http://127.0.0.1:PORT
//   CAIRN_ACCOUNTS    JSON {"admin": {"password": ..., "role": ...}, ...}
//   CAIRN_OUTSIDE     a learner id the teacher may not see
// Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed".
//
// Every check fails, never skips, when a page or its form is missing:
// acknowledging a flag, naming a key worker, opening a case, the model page's calibration
// chart, the import form and the dashboard's trend charts included.

import { launch, newContext, signIn, check, assert, summary } from './lib.mjs';

const BASE = process.env.CAIRN_BASE;
const ACCOUNTS = JSON.parse(process.env.CAIRN_ACCOUNTS || '{}');
const OUTSIDE = process.env.CAIRN_OUTSIDE;
if (!BASE || !ACCOUNTS.leader || !OUTSIDE) {
  console.log('not ok - CAIRN_BASE, CAIRN_ACCOUNTS and CAIRN_OUTSIDE are set (run tests/browser/run.sh)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const ARABIC = /[\u0600-\u06FF]/;
const ROLES = [
  ['admin', 'administrator'],
  ['leader', 'school leader'],
  ['keyworker', 'key worker'],
  ['teacher', 'teacher'],
];

// Every console error and uncaught page error, from every page: a page
// without JavaScript should have none (a CSP violation shows up here).
// Chromium also logs a document answered with 4xx ("Failed to load
// resource"); those the tests ask for on purpose, so only a resource the
// page itself loads (a stylesheet, an image) counts.
const consoleErrors = [];
function watch(page) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const at = m.location() && m.location().url;
    if (/^Failed to load resource/.test(m.text()) && at === page.url()) return;
    consoleErrors.push(`${page.url()}: ${m.text()}${at && at !== page.url() ? ` (${at})` : ''}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

const path = (page) => new URL(page.url()).pathname;
const htmlAttr = (page, name) => page.evaluate((n) => document.documentElement.getAttribute(n), name);
const h1 = async (page) => (await page.locator('h1').first().innerText()).trim();

// Choose a language in the navigation's switcher and press its button, as a
// person would; resolves with the POST's response once the page it
// returned to has loaded.
async function chooseLanguage(page, code) {
  await page.locator('#lang-select').selectOption(code);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/language'),
    page.locator('form.language button[type="submit"]').click(),
  ]);
  await page.waitForLoadState('load');
  if (resp.status() === 303) await page.waitForFunction((c) => document.documentElement.lang === c, code);
  return resp;
}

// No horizontal scrolling: the document is no wider than the window.  On
// a phone (isMobile) chromium widens the layout viewport to a page that
// overflows, so innerWidth grows with the page: compare with the screen's
// width as set, and name the widest element that sticks out.
async function noSideScroll(page) {
  const vw = page.viewportSize().width;
  const m = await page.evaluate(() => {
    const cw = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll('body *')].find((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.bottom > 0 && (r.right > cw + 1 || r.left < -1) && !e.closest('.scroll, table.attention');
    });
    return { sw: document.documentElement.scrollWidth, iw: window.innerWidth,
             out: out ? `${out.tagName.toLowerCase()}${out.className ? '.' + out.className : ''}` : '' };
  });
  assert(m.sw <= vw && m.iw <= vw,
         `the page is ${m.sw} px wide on a ${vw} px screen (scrolls sideways${m.out ? '; first wide element: ' + m.out : ''})`);
}

// The role chromium itself gives the first element matching selector, from
// its accessibility tree (a CSS display change can drop table semantics).
async function chromiumRole(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) return null;
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    return nodes.length ? nodes[0].role && nodes[0].role.value : null;
  } finally {
    await cdp.detach();
  }
}

const browser = await launch();
try {
  // ---- signing in, as each role ---------------------------------------------------
  const pages = {};
  for (const [user, label] of ROLES) {
    const acct = ACCOUNTS[user];
    await check(`the ${label} signs in through the form and sees their home page`, async () => {
      assert(acct, `no demo account "${user}" in the list`);
      const ctx = await newContext(browser);
      const page = watch(await signIn(ctx, BASE, user, acct.password));
      assert(path(page) === '/', `landed on ${page.url()}, not /`);
      assert(await h1(page) === 'Today', `the heading is "${await h1(page)}"`);
      assert(await page.getByRole('navigation', { name: 'Pages' }).isVisible(), 'no page navigation');
      assert(await page.getByRole('button', { name: 'Sign out' }).isVisible(), 'no sign-out button');
      pages[user] = page;
    });
  }
  const leader = pages.leader;
  const teacher = pages.teacher;

  await check('a wrong password is refused on the form, with the error announced', async () => {
    const ctx = await newContext(browser);
    const page = watch(await ctx.newPage());
    await page.goto(BASE + '/login');
    await page.getByLabel('User name').fill('leader');
    await page.getByLabel('Password').fill('not-the-password');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.getByRole('alert').waitFor();
    assert(path(page) === '/login', `went on to ${page.url()}`);
    assert(await page.getByLabel('Password').getAttribute('aria-invalid') === 'true', 'the field is not marked invalid');
    await ctx.close();
  });

  // ---- the leader's dashboard and a learner --------------------------------------
  let learnerPath = null;
  let learnerName = null;
  await check("the leader's dashboard lists learners who need attention", async () => {
    assert(leader, 'the leader is not signed in');
    const table = leader.getByRole('table', { name: 'Learners who need attention, most urgent first' });
    const rows = await table.locator('tbody tr').count();
    assert(rows > 0, 'the list is empty');
    assert(await table.locator('tbody tr').first().locator('ul.reasons li').count() > 0,
           'the first learner has no reasons');
  });

  await check('clicking a learner on the dashboard opens their page', async () => {
    const link = leader.locator('table.attention tbody tr th a').first();
    learnerName = (await link.innerText()).trim();
    await Promise.all([leader.waitForURL(/\/learners\/\d+$/), link.click()]);
    learnerPath = path(leader);
    assert(await h1(leader) === learnerName, `the heading is "${await h1(leader)}", not "${learnerName}"`);
  });

  await check("the learner page explains the flags in words", async () => {
    assert(learnerPath, 'no learner page open');
    // Follow an in-page link to the explanation if the page offers one,
    // else go by its heading.
    const heading = leader.getByRole('heading', { name: 'Current flags and why' });
    const id = await heading.getAttribute('id');
    const jump = leader.locator(`main a[href="#${id}"]`);
    if (await jump.count()) {
      await jump.first().click();
      assert(new URL(leader.url()).hash === `#${id}`, 'the link did not lead to the explanation');
    }
    assert(await heading.isVisible(), 'no heading "Current flags and why"');
    const region = leader.getByRole('region', { name: 'Current flags and why' });
    const reasons = await region.locator('ul.reasons li').allInnerTexts();
    assert(reasons.length > 0, 'no reasons under the heading');
    assert(reasons.every((r) => /[a-z]{3,}.*[a-z]{3,}/i.test(r)), `a reason is not in words: ${reasons[0]}`);
  });

  await check('the risk chart has an accessible title and description', async () => {
    const svg = leader.locator('svg.chart').first();
    const title = (await svg.locator('title').textContent() || '').trim();
    assert(title.length > 0, 'the chart has no <title>');
    const img = leader.getByRole('img', { name: title });
    assert(await img.count() >= 1, `no image named "${title}" (aria-labelledby)`);
    const desc = (await svg.locator('desc').textContent() || '').trim();
    assert(desc.length > 0, 'the chart has no <desc>');
    assert(await leader.locator('details summary', { hasText: 'Show the numbers' }).count() >= 1,
           'the numbers are not offered as a table');
  });

  await check("the learner's group link opens the group's heat map", async () => {
    const page = watch(await leader.context().newPage());
    await page.goto(BASE + learnerPath);
    const link = page.locator('dl.facts a[href^="/groups/"]').first();
    await Promise.all([page.waitForURL(/\/groups\//), link.click()]);
    assert(await page.locator('table.heat tbody tr').count() > 0, 'no heat map rows');
    await page.close();
  });

  // ---- languages ----------------------------------------------------------------------
  await check('the language switcher turns the learner page into Arabic, right to left', async () => {
    const resp = await chooseLanguage(leader, 'ar');
    assert(resp.status() === 303, `POST /language answered ${resp.status()}`);
    assert(path(leader) === learnerPath, `came back to ${path(leader)}, not ${learnerPath}`);
    assert(await htmlAttr(leader, 'lang') === 'ar', `lang="${await htmlAttr(leader, 'lang')}"`);
    assert(await htmlAttr(leader, 'dir') === 'rtl', `dir="${await htmlAttr(leader, 'dir')}"`);
    const h = await leader.locator('#h-flags').innerText();
    assert(ARABIC.test(h), `the heading "${h}" is not Arabic`);
    const nav = await leader.getByRole('navigation').first().innerText();
    assert(ARABIC.test(nav), 'the navigation is not Arabic');
  });

  await check('...and back to English, left to right', async () => {
    const resp = await chooseLanguage(leader, 'en');
    assert(resp.status() === 303, `POST /language answered ${resp.status()}`);
    assert(await htmlAttr(leader, 'lang') === 'en', `lang="${await htmlAttr(leader, 'lang')}"`);
    assert(await htmlAttr(leader, 'dir') !== 'rtl', 'still dir="rtl"');
    assert(await leader.locator('#h-flags').innerText() === 'Current flags and why', 'the heading is not English');
  });

  await check('the sign-in page speaks German at /login?lang=de', async () => {
    const ctx = await newContext(browser);
    const page = watch(await ctx.newPage());
    await page.goto(BASE + '/login?lang=de');
    assert(await htmlAttr(page, 'lang') === 'de', `lang="${await htmlAttr(page, 'lang')}"`);
    assert(await h1(page) === 'Anmelden', `the heading is "${await h1(page)}"`);
    assert(await page.getByLabel('Benutzername').count() === 1, 'no field labelled "Benutzername"');
    await ctx.close();
  });

  await check("...and its language links lead there (English -> Deutsch -> English)", async () => {
    const ctx = await newContext(browser);
    const page = watch(await ctx.newPage());
    await page.goto(BASE + '/login');
    assert(await h1(page) === 'Sign in', `the heading is "${await h1(page)}"`);
    const langs = page.getByRole('navigation', { name: 'Language' });
    await Promise.all([page.waitForURL(/lang=de/), langs.getByRole('link', { name: 'Deutsch' }).click()]);
    assert(await h1(page) === 'Anmelden', `after "Deutsch" the heading is "${await h1(page)}"`);
    assert(await page.locator('a[hreflang="de"][aria-current]').count() === 1, 'German is not marked current');
    await Promise.all([page.waitForURL(/lang=en/),
      page.getByRole('navigation', { name: 'Sprache' }).getByRole('link', { name: 'English' }).click()]);
    assert(await h1(page) === 'Sign in', `after "English" the heading is "${await h1(page)}"`);
    await ctx.close();
  });

  // ---- who may see what ----------------------------------------------------------
  await check('the teacher is refused a learner outside their groups (403 page)', async () => {
    assert(teacher, 'the teacher is not signed in');
    assert(await teacher.locator(`a[href="/learners/${OUTSIDE}"]`).count() === 0,
           "the learner is on the teacher's dashboard");
    const resp = await teacher.goto(`${BASE}/learners/${OUTSIDE}`);
    assert(resp.status() === 403, `answered ${resp.status()}`);
    assert(await h1(teacher) === 'Not allowed', `the heading is "${await h1(teacher)}"`);
    assert(await teacher.locator('ul.reasons, svg.chart').count() === 0, 'the refusal shows record data');
  });

  await check('the teacher is refused the import page (403)', async () => {
    const resp = await teacher.goto(`${BASE}/import`);
    assert(resp.status() === 403, `answered ${resp.status()}`);
    assert(await teacher.locator('input[type="file"]').count() === 0, 'the upload form is shown');
  });

  await check('a form without its CSRF token is refused and changes nothing', async () => {
    await leader.goto(BASE + '/dashboard');
    assert(await htmlAttr(leader, 'lang') === 'en', 'not in English to begin with');
    await leader.evaluate(() => document.querySelector('form.language input[name="csrf"]').remove());
    assert(await leader.locator('form.language input[name="csrf"]').count() === 0, 'the token is still there');
    const resp = await chooseLanguage(leader, 'de');
    assert(resp.status() === 403, `POST /language without a token answered ${resp.status()}`);
    assert(await h1(leader) !== 'Dashboard', 'the refusal is not shown');
    await leader.goto(BASE + '/dashboard');
    assert(await htmlAttr(leader, 'lang') === 'en', `the language changed to ${await htmlAttr(leader, 'lang')}`);
  });

  // ---- keyboard -------------------------------------------------------------------
  await check('the skip link is the first Tab stop, visible, and moves focus to main', async () => {
    await leader.goto(BASE + learnerPath);
    await leader.keyboard.press('Tab');
    const first = await leader.evaluate(() => ({
      cls: document.activeElement.className, href: document.activeElement.getAttribute('href') }));
    assert(first.cls === 'skip' && first.href === '#main', `the first Tab stop is ${JSON.stringify(first)}`);
    const box = await leader.locator('a.skip').boundingBox();
    assert(box && box.y >= 0 && box.height > 0, 'the focused skip link is off screen');
    await leader.keyboard.press('Enter');
    await leader.waitForFunction(() => document.activeElement && document.activeElement.id === 'main');
    assert(new URL(leader.url()).hash === '#main', 'the address has no #main');
  });

  await check('the next Tab stop after main is in the page content, not back at the top', async () => {
    await leader.keyboard.press('Tab');
    const inMain = await leader.evaluate(() =>
      !!document.activeElement.closest('main') && !document.activeElement.closest('header'));
    assert(inMain, 'focus left the main content');
  });

  // ---- a phone ----------------------------------------------------------------------
  await check("on a phone (375x812) the dashboard and a learner page do not scroll sideways, in English and Arabic, and the learners' table stays a table", async () => {
    const ctx = await newContext(browser, { phone: true });
    const page = watch(await signIn(ctx, BASE, 'admin', ACCOUNTS.admin.password));
    const bad = [];
    for (const lang of ['en', 'ar']) {
      if (lang !== 'en') await chooseLanguage(page, lang);
      for (const p of ['/dashboard', learnerPath]) {
        await page.goto(BASE + p);
        try { await noSideScroll(page); } catch (e) { bad.push(`${p} (${lang}): ${e.message}`); }
      }
    }
    await chooseLanguage(page, 'en');
    await page.goto(BASE + '/dashboard');
    const role = await chromiumRole(page, 'table.attention');
    await ctx.close();
    assert(bad.length === 0, bad.join('; '));
    assert(role === 'table', `on a phone the learners' table is "${role}" to assistive technology, not a table`);
  });

  // ---- each role's home page: the list first and readable ------------------------
  // For every role, on a desktop and a phone, in English and Arabic: the
  // home page's first list (the learners; the installation's health for
  // the administrator) starts above the fold, before any chart; the page
  // does not scroll sideways; the "why" of a learner keeps a readable
  // width (never a word per line); the skip link lands on the list.
  for (const [user, label] of ROLES) {
    for (const phone of [false, true]) {
      await check(`the ${label}'s home page on a ${phone ? 'phone' : 'desktop'}, in English and Arabic: the list first, above the fold, readable`, async () => {
        const ctx = await newContext(browser, { phone });
        const page = watch(await signIn(ctx, BASE, user, ACCOUNTS[user].password));
        const bad = [];
        try {
          for (const lang of ['en', 'ar']) {
            if (lang !== 'en') await chooseLanguage(page, lang);
            await page.goto(BASE + '/');
            const m = await page.evaluate(() => {
              const list = document.getElementById('list');
              const table = list && list.parentElement.querySelector('table');
              const chart = document.querySelector('svg.chart, figure.chart');
              const why = [...document.querySelectorAll('table.attention ul.reasons')].slice(0, 5)
                .map((u) => u.getBoundingClientRect().width);
              return {
                list: !!list, table: !!table,
                top: list ? list.getBoundingClientRect().top + window.scrollY : 1e9,
                chartTop: chart ? chart.getBoundingClientRect().top + window.scrollY : 1e9,
                why, vh: window.innerHeight,
                skip: (document.querySelector('a.skip') || {}).getAttribute ? document.querySelector('a.skip').getAttribute('href') : '',
              };
            });
            if (!m.list) { bad.push(`${lang}: no list (id="list") on the home page`); continue; }
            if (m.top > m.vh) bad.push(`${lang}: the list starts ${Math.round(m.top)} px down a ${m.vh} px window`);
            if (m.chartTop < m.top) bad.push(`${lang}: a chart comes before the list`);
            if (m.skip !== '#list') bad.push(`${lang}: the skip link goes to ${m.skip}`);
            const narrow = m.why.filter((w) => w < 160);
            if (narrow.length) bad.push(`${lang}: the "why" of a learner is ${Math.round(narrow[0])} px wide`);
            try { await noSideScroll(page); } catch (e) { bad.push(`${lang}: ${e.message}`); }
          }
          await chooseLanguage(page, 'en');
        } finally {
          await ctx.close();
        }
        assert(bad.length === 0, bad.join('; '));
      });
    }
  }

  await check('the skip link moves the focus to the list', async () => {
    await leader.goto(BASE + '/');
    await leader.keyboard.press('Tab');
    await leader.keyboard.press('Enter');
    const id = await leader.evaluate(() => document.activeElement && document.activeElement.id);
    assert(id === 'list', `focus is on "${id}", not the list`);
  });

  await check('the tier stripes show in colour (not the grey of a line)', async () => {
    await leader.goto(BASE + '/dashboard');
    const colours = await leader.evaluate(() => [...document.querySelectorAll('ul.tiers li.tier-2, ul.tiers li.tier-1, table.attention td.tier-2, table.attention td.tier-1')]
      .map((e) => getComputedStyle(e).borderInlineStartColor + ' ' + getComputedStyle(e).borderInlineStartWidth));
    assert(colours.length > 0, 'no tier stripe on the dashboard');
    const grey = colours.filter((c) => !/rgb\(18[01], (35|71), (24|8)\) 6px/.test(c));
    assert(grey.length === 0, `stripes not in their tier's colour: ${grey.slice(0, 3).join(', ')}`);
  });

  // ---- acting on a learner, the model page, the import page, the trend ----
  await check('a refused form starts the page with an error summary that has the focus', async () => {
    await leader.goto(BASE + learnerPath);
    const form = leader.locator('main form[method="post"][action$="/acknowledge"]').first();
    if (!(await form.count())) throw new Error('the learner page has no form to acknowledge a flag');
    await form.locator('textarea').first().fill('   ');
    await Promise.all([leader.waitForLoadState('load'), form.locator('button[type="submit"]').first().click()]);
    await leader.waitForFunction(() => document.activeElement && document.activeElement.id === 'error-summary');
    const first = await leader.evaluate(() => {
      const s = document.getElementById('error-summary');
      const forms = document.querySelector('main form[method="post"][action$="/acknowledge"]');
      return !!s && !!forms && (s.compareDocumentPosition(forms) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    });
    assert(first, 'the error summary is not above the form');
  });

  await check('the leader acknowledges a flag with a comment and sees it', async () => {
    await leader.goto(BASE + learnerPath);
    const forms = leader.locator('main form[method="post"]').filter({ has: leader.locator('textarea') });
    const ack = forms.filter({ hasText: /acknowledg/i });
    const form = (await ack.count()) ? ack.first() : forms.first();
    if (!(await form.count())) throw new Error('the learner page has no form to acknowledge a flag yet');
    const comment = `Spoke with the learner ${Date.now()}`;
    await form.locator('textarea').first().fill(comment);
    const [resp] = await Promise.all([
      leader.waitForResponse((r) => r.request().method() === 'POST'),
      form.locator('button[type="submit"], input[type="submit"]').first().click(),
    ]);
    if (resp.status() === 501) throw new Error('acknowledging answers 501 (not written yet)');
    await leader.waitForLoadState('load');
    if (path(leader) !== learnerPath) await leader.goto(BASE + learnerPath);
    assert(await leader.getByText(comment).count() >= 1, 'the comment is not on the learner page');
  });

  await check('the leader names a key worker and sees the name', async () => {
    await leader.goto(BASE + learnerPath);
    const form = leader.locator('main form[method="post"][action$="/key-worker"]');
    if (!(await form.count())) throw new Error('the learner page has no form to name a key worker yet');
    const select = form.locator('select').first();
    const options = await select.locator('option').evaluateAll((os) =>
      os.filter((o) => o.value).map((o) => ({ value: o.value, text: o.textContent.trim() })));
    assert(options.length > 0, 'nobody to choose');
    const pick = options[options.length - 1];
    await select.selectOption(pick.value);
    const [resp] = await Promise.all([
      leader.waitForResponse((r) => r.request().method() === 'POST'),
      form.locator('button[type="submit"]').first().click(),
    ]);
    if (resp.status() === 501) throw new Error('naming a key worker answers 501 (not written yet)');
    await leader.waitForLoadState('load');
    if (path(leader) !== learnerPath) await leader.goto(BASE + learnerPath);
    const name = pick.text.replace(/\s*\(.*\)$/, '');
    const section = await leader.locator('#h-key-worker + p').innerText();
    assert(section.includes(name), `the key worker shown is "${section}", not ${name}`);
  });

  await check('the key worker opens a case for the flagged learner in one click and lands on it', async () => {
    const kw = pages.keyworker;
    assert(kw, 'the key worker is not signed in');
    await kw.goto(BASE + '/');
    let button = kw.locator(`main form.case-open[action="${learnerPath}/cases"] button[type="submit"]`);
    if (!(await button.count())) {   /* not on the home list: the learner page's Case section */
      await kw.goto(BASE + learnerPath);
      button = kw.locator(`main section[aria-labelledby="h-case"] form[action="${learnerPath}/cases"] button[type="submit"]`);
    }
    if (!(await button.count())) throw new Error('no button opens a case for the flagged learner');
    await Promise.all([kw.waitForURL(/\/cases\/[0-9]+/), button.first().click()]);
    const state = await kw.locator('dd.case-state').getAttribute('data-state');
    assert(state === 'open', `the new case is "${state}", not open`);
    assert(await kw.locator('main form[action$="/step"] input[name="step"][value="start_assessment"]').count() === 1,
      'the case page offers no "Start the assessment" step');
    await kw.goto(BASE + learnerPath);
    assert(await kw.locator('section[aria-labelledby="h-case"] a[href^="/cases/"]').count() === 1,
      'the learner page does not link to the case');
  });

  await check('the model page leads with how early it warns, in plain words, then what it looks at', async () => {
    const resp = await leader.goto(BASE + '/model');
    assert(resp.status() === 200, `/model answered ${resp.status()}`);
    // the first thing under the heading: leavers, how many flagged weeks
    // ahead, and beside it the learners who stayed and how pure the list was
    const first = leader.locator('main h1 + p');
    assert(await first.count(), 'nothing follows the heading of /model');
    const text = (await first.innerText()).trim();
    assert(/learners? left early/.test(text), `the first paragraph is "${text}"`);
    assert(/weeks? before they left/.test(text), `no warning time first: "${text}"`);
    assert(/who stayed/.test(text) && /in 100/.test(text),
      `the warning time is not beside the stayers and the precision: "${text}"`);
    assert(await first.isVisible(), 'the plain-words summary is not visible');
    // then what it looks at and never looks at, before the technical figures
    const headings = await leader.locator('main h2').allInnerTexts();
    assert(headings[0] === 'What the model looks at' && headings[1] === 'What it never looks at',
      `the sections after the summary are ${JSON.stringify(headings.slice(0, 2))}`);
    const tech = leader.locator('details#model-tech');
    assert(await tech.count(), 'no technical figures section');
    assert(!(await tech.getAttribute('open')), 'the technical figures are not collapsed');
    // no raw code of a fairness group or language on the page
    const body = await leader.locator('main').innerText();
    assert(!/\bnot_stated\b/.test(body), 'a raw group code (not_stated) is on the page');
  });

  await check('the model page shows a calibration chart (in its technical figures)', async () => {
    const resp = await leader.goto(BASE + '/model');
    if (resp.status() === 501) throw new Error('/model answers 501 (not written yet)');
    assert(resp.status() === 200, `/model answered ${resp.status()}`);
    await leader.locator('details#model-tech > summary').click();
    const chart = leader.getByRole('img', { name: /calibrat/i });
    if (!(await chart.count())) {
      const any = await leader.locator('svg').count();
      if (!any) throw new Error('/model has no chart yet');
      throw new Error('the model page has a chart, but none is named for calibration');
    }
  });

  await check('the import page shows its upload form to the administrator', async () => {
    const admin = pages.admin;
    assert(admin, 'the administrator is not signed in');
    const resp = await admin.goto(BASE + '/import');
    if (resp.status() === 501) throw new Error('/import answers 501 (not written yet)');
    assert(resp.status() === 200, `/import answered ${resp.status()}`);
    const form = admin.locator('form[method="post"]').filter({ has: admin.locator('input[type="file"]') });
    if (!(await form.count())) throw new Error('/import has no upload form yet');
    assert(/multipart\/form-data/i.test(await form.first().getAttribute('enctype') || ''), 'the form is not multipart/form-data');
    const file = form.first().locator('input[type="file"]').first();
    const id = await file.getAttribute('id');
    assert(id && (await admin.locator(`label[for="${id}"]`).count()) === 1, 'the file field has no label');
  });

  await check('an import of a file cairn cannot read starts with an error summary that has the focus', async () => {
    const admin = pages.admin;
    await admin.goto(BASE + '/import');
    const form = admin.locator('form[method="post"]').filter({ has: admin.locator('input[type="file"]') }).first();
    await form.locator('input[type="file"]').first().setInputFiles({ name: 'nonsense.csv', mimeType: 'text/csv', buffer: Buffer.from('apples,pears\n1,2\n') });
    await Promise.all([admin.waitForLoadState('load'), form.locator('button[type="submit"]').first().click()]);
    await admin.waitForFunction(() => document.activeElement && document.activeElement.id === 'error-summary');
  });

  await check("the dashboard's trend chart has an accessible name", async () => {
    await leader.goto(BASE + '/dashboard');
    const svgs = leader.locator('main svg');
    if (!(await svgs.count())) throw new Error('the dashboard has no chart yet');
    const named = leader.locator('main svg[role="img"][aria-labelledby], main svg[role="img"][aria-label]');
    assert(await named.count() === await svgs.count(), 'a chart on the dashboard has no role="img" and name');
  });

  // ---- interventions ------------------------------------------------------------------
  await check('the key worker records a session of their intervention with who attended', async () => {
    const kw = pages.keyworker;
    assert(kw, 'the key worker is not signed in');
    await kw.goto(BASE + '/interventions');
    assert(await h1(kw) === 'Interventions', `the heading is "${await h1(kw)}"`);
    await Promise.all([kw.waitForLoadState('load'), kw.getByRole('link', { name: 'Career guidance' }).click()]);
    const run = kw.locator('main table a[href^="/intervention-runs/"]').first();
    assert(await run.count() === 1, 'the entry lists no run');
    await Promise.all([kw.waitForLoadState('load'), run.click()]);
    assert(await kw.getByRole('heading', { name: 'Record a session' }).isVisible(), 'no session form');
    const before = await kw.locator('#h-sessions ~ table tbody tr').count();
    // a day that has its session already: refused, the error beside the date
    await kw.getByLabel('Date').fill('2025-03-13');
    await kw.getByLabel('Minutes (1 to 600)').fill('45');
    await Promise.all([kw.waitForLoadState('load'), kw.getByRole('button', { name: 'Record the session' }).click()]);
    await kw.waitForFunction(() => document.activeElement && document.activeElement.id === 'error-summary');
    assert(await kw.locator('#ses-held-error').isVisible(), 'the error is not beside the date');
    await kw.getByLabel('Date').fill('2025-03-12');
    await kw.getByLabel('Minutes (1 to 600)').fill('45');
    const boxes = kw.locator('fieldset input[type="checkbox"]');
    assert(await boxes.count() > 1, 'no participants to tick');
    await boxes.first().uncheck();
    await Promise.all([kw.waitForURL(/done=recorded/), kw.getByRole('button', { name: 'Record the session' }).click()]);
    assert(await kw.locator('p.notice[role="status"]').innerText() === 'The session was recorded.', 'no status notice');
    assert(await kw.locator('#h-sessions ~ table tbody tr').count() === before + 1, 'the session is not listed');
  });

  await check("a teacher cannot open a run they do not deliver, and reads the catalogue in German", async () => {
    const resp = await teacher.goto(BASE + '/intervention-runs/2');
    assert(resp.status() === 404, `a run of the key worker answered ${resp.status()}`);
    await teacher.goto(BASE + '/interventions');
    await chooseLanguage(teacher, 'de');
    assert(await h1(teacher) === 'Maßnahmen', `the heading is "${await h1(teacher)}"`);
    await chooseLanguage(teacher, 'en');
  });

  // ---- signing out --------------------------------------------------------------------
  await check('signing out lands on the sign-in page, and the dashboard then asks to sign in', async () => {
    await leader.goto(BASE + '/dashboard');
    await Promise.all([leader.waitForURL(/\/login/), leader.getByRole('button', { name: 'Sign out' }).click()]);
    assert(await h1(leader) === 'Sign in', `the heading is "${await h1(leader)}"`);
    await leader.goto(BASE + '/dashboard');
    assert(path(leader) === '/login', `/dashboard went to ${leader.url()}`);
    assert(await leader.locator('form.login').count() === 1, 'no sign-in form');
  });

  await check('no page had a console error or a Content-Security-Policy violation', async () => {
    const uniq = [...new Set(consoleErrors)];
    assert(uniq.length === 0, uniq.slice(0, 5).join('\n'));
  });
} finally {
  await browser.close();
}
process.exit(summary());
