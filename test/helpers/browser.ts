import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.GOVHUB_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's chromium, headless, with nothing reaching out on its own; one page in zh-CN and
 * Asia/Shanghai that records every request leaving `baseUrl`, every page error and every
 * Content-Security-Policy violation the browser reports. Given the test, the browser closes when it ends.
 */
export async function openBrowser(baseUrl: string, timeoutMs = 10_000, t?: TestContext): Promise<{ browser: Browser; page: Page; outside: string[]; errors: string[]; csp: string[] }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t?.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  // The console must work air-gapped: nothing may be fetched from anywhere but the server.
  const outside: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(baseUrl) && !u.startsWith('data:') && !u.startsWith('blob:')) outside.push(u);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const csp: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  return { browser, page, outside, errors, csp };
}

/** Fill the login form (the page must show it) and wait for the console to open on the dashboard. */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await page.locator('[data-test=login-username]').fill(username);
  await page.locator('[data-test=login-password]').fill(password);
  await page.locator('[data-test=login-submit]').click();
  await page.waitForURL(/\/dashboard/);
}

/** Open the login page of `baseUrl` and log in. */
export async function logIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await submitLogin(page, username, password);
}

/** Log out (the session lives in sessionStorage) and log in as someone else. */
export async function switchUser(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.evaluate(() => sessionStorage.clear());
  await logIn(page, baseUrl, username, password);
}

/** Confirm the open message box (a confirmation, or a reason typed into it). */
export async function confirmBox(page: Page, reason?: string): Promise<void> {
  const box = page.locator('.el-message-box:visible');
  await box.waitFor();
  if (reason !== undefined) await box.locator('textarea').fill(reason);
  await box.locator('.el-message-box__btns .el-button--primary').click();
  await box.waitFor({ state: 'hidden' });
}

/** Visible text nodes with Chinese characters, outside data (`.data-value`, `[data-data]`). */
export async function chineseLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]/;
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      if (!text || !CJK.test(text)) continue;
      const el = n.parentElement;
      if (!el || el.closest('.data-value, [data-data], script, style, noscript')) continue;
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      out.push(text.length > 80 ? `${text.slice(0, 80)}…` : text);
    }
    // placeholders and titles are labels too
    for (const el of document.querySelectorAll<HTMLElement>('[placeholder], [title], [aria-label]')) {
      if (el.closest('.data-value, [data-data]') || !el.checkVisibility()) continue;
      for (const a of ['placeholder', 'title', 'aria-label']) {
        const v = el.getAttribute(a);
        if (v && CJK.test(v)) out.push(`${a}="${v}"`);
      }
    }
    return out;
  });
}

/**
 * Pick the option `label` of the Element Plus select `test` (a data-test, or a CSS selector), then close
 * it (a multiple select stays open) and wait until no dropdown shows, so the next pick finds its own.
 */
export async function choose(page: Page, test: string, label: string): Promise<void> {
  await page.locator(test.includes('[') ? test : `[data-test=${test}]`).click();
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: label }).first().click();
  await page.keyboard.press('Escape');
  await page.locator('.el-select-dropdown:visible').first().waitFor({ state: 'hidden' });
}
