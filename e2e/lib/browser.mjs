// Debian's Chromium driven by playwright-core, and the guards every journey runs under: any
// console error, uncaught exception, CSP violation, 5xx answer or broken image fails the step
// that caused it.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { checkAccessibility } from './axe.mjs';

export const BASE_URL = (process.env.ROOST_E2E_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const OUT_DIR = process.env.ROOST_E2E_OUT || new URL('../out', import.meta.url).pathname;
export const SCREENSHOT_DIR = join(OUT_DIR, 'screenshots');

/// The two widths every journey runs at.
export const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

/// Flags that keep Chromium off the network (this machine has none) and quiet.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    // Playwright's own --headless flag is passed above; keep it from adding another.
    headless: true,
  });
}

/// A failure made of everything the guards saw, one line each.
export class PageProblems extends Error {}

/// Reported by the page when the Content-Security-Policy blocks something (JavaScript on);
/// with JavaScript off Chromium still logs the violation to the console.
function listenForCspViolations() {
  document.addEventListener('securitypolicyviolation', (event) => {
    const element = event.target instanceof Element ? ` on ${event.target.outerHTML.slice(0, 160)}` : '';
    window.__roostReportCsp(
      `${event.effectiveDirective} blocked ${event.blockedURI || 'inline code'}${element} ` +
        `(${event.sourceFile || document.location.href}:${event.lineNumber})`,
    );
  });
}

/// One browser context (a person with their own cookies) at one width, JavaScript on or off.
export class Visitor {
  constructor(browser, width, { js = true, journey }) {
    this.browser = browser;
    this.width = width;
    this.js = js;
    this.journey = journey;
    this.problems = [];
    // Console errors a step expects (a 404 page logs its own status, say): regexes.
    this.expected = [];
  }

  async open() {
    this.context = await this.browser.newContext({
      viewport: this.width.viewport,
      isMobile: this.width.isMobile ?? false,
      hasTouch: this.width.hasTouch ?? false,
      deviceScaleFactor: 1,
      javaScriptEnabled: this.js,
      locale: 'en-US',
      timezoneId: 'UTC',
      reducedMotion: 'reduce',
    });
    this.context.setDefaultTimeout(15_000);
    this.context.setDefaultNavigationTimeout(30_000);
    if (this.js) {
      await this.context.exposeBinding('__roostReportCsp', (_source, text) => {
        this.problems.push(`CSP violation: ${text}`);
      });
      await this.context.addInitScript(listenForCspViolations);
    }
    this.page = await this.context.newPage();
    this.watch(this.page);
    return this;
  }

  watch(page) {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (this.expected.some((pattern) => pattern.test(text))) return;
      this.problems.push(`console error on ${page.url()}: ${text}`);
    });
    page.on('pageerror', (error) => {
      this.problems.push(`uncaught exception on ${page.url()}: ${error.message}`);
    });
    page.on('response', (response) => {
      const request = response.request();
      if (response.status() >= 500) {
        this.problems.push(`${response.status()} from ${request.method()} ${response.url()}`);
      } else if (request.resourceType() === 'image' && response.status() >= 400) {
        this.problems.push(`broken image ${response.url()} (${response.status()})`);
      }
    });
    page.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? 'failed';
      // htmx cancels a request that a newer one replaces (hx-sync); navigating away cancels
      // images still loading. Anything else is a real failure.
      if (failure === 'net::ERR_ABORTED') return;
      this.problems.push(`${request.resourceType()} ${request.url()} failed: ${failure}`);
    });
  }

  get label() {
    return `${this.journey} (${this.width.name}${this.js ? '' : ', no JavaScript'})`;
  }

  url(path) {
    return `${BASE_URL}${path}`;
  }

  async goto(path) {
    const response = await this.page.goto(this.url(path));
    return response;
  }

  /// Console errors matching `pattern` are expected while `work` runs.
  async expecting(pattern, work) {
    this.expected.push(pattern);
    try {
      return await work();
    } finally {
      this.expected = this.expected.filter((p) => p !== pattern);
    }
  }

  /// Fails with everything the guards saw since the last check.
  assertClean(step) {
    if (this.problems.length === 0) return;
    const lines = this.problems.splice(0);
    throw new PageProblems(`${this.label}, ${step}:\n  ${lines.join('\n  ')}`);
  }

  /// Adds what the guards saw to a step's failure (a 404 behind a quote that never came, say).
  explain(error) {
    if (this.problems.length > 0 && error instanceof Error) {
      error.message += `\n  what the guards saw (${this.label}):\n    ${this.problems.splice(0).join('\n    ')}`;
    }
    return error;
  }

  /// Images on the page that finished loading without a picture (404s are caught as they
  /// happen; this also catches undecodable ones).
  async brokenImages() {
    return this.page.$$eval('img', (images) =>
      images
        .filter((img) => img.getAttribute('src') && img.complete && img.naturalWidth === 0)
        .map((img) => img.currentSrc || img.src),
    );
  }

  /// A checkpoint: the page settled, no guard fired, no broken image, axe finds nothing
  /// serious (once per page type and width, JavaScript on), and a screenshot.
  /// `scroll`: 'top', or a selector to bring to the top of the window, before the screenshot.
  async checkpoint(step, { pageType, screenshot = true, scroll } = {}) {
    await this.page.waitForLoadState('load');
    const broken = await this.brokenImages();
    for (const src of broken) this.problems.push(`broken image ${src} on ${this.page.url()}`);
    this.assertClean(step);
    if (pageType && this.js) {
      await checkAccessibility(this.page, pageType, this.width.name);
    }
    if (scroll === 'top') {
      await this.page.evaluate(() => window.scrollTo(0, 0));
    } else if (scroll) {
      await this.page.locator(scroll).first().evaluate((element) => {
        const header = document.querySelector('.site-header')?.getBoundingClientRect().height ?? 0;
        window.scrollTo(0, element.getBoundingClientRect().top + window.scrollY - header - 16);
      });
    }
    if (screenshot) await this.screenshot(step);
  }

  async screenshot(step) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const mode = this.js ? '' : '-nojs';
    const name = `${this.journey}${mode}-${this.width.name}-${step}.png`.replace(/[^a-z0-9.-]+/gi, '-');
    // caret: 'initial': hiding the caret leaves `style=""` on every input, which htmx then
    // copies onto swapped-in fields (its settle step), and the CSP rightly blocks that.
    await this.page.screenshot({ path: join(SCREENSHOT_DIR, name), animations: 'disabled', caret: 'initial' });
  }

  async close() {
    await this.context?.close();
  }
}
