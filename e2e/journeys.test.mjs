// Roost in a real browser: every journey at desktop and phone widths against one running
// Roost (ROOST_E2E_URL; e2e/run.sh starts one on a fresh database). Each journey fails on a
// console error, a CSP violation, a 5xx, a broken image, or a critical or serious axe
// violation on any page type it passes.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { summaryTable } from './lib/axe.mjs';
import { launch, OUT_DIR, WIDTHS } from './lib/browser.mjs';
import { guestJourney } from './journeys/guest.mjs';
import { hostJourney } from './journeys/host.mjs';
import { adminJourney, DEMO_ADMIN } from './journeys/admin.mjs';
import { keyboardJourney } from './journeys/keyboard.mjs';
import { currencyJourney } from './journeys/currency.mjs';
import { demoGuestPages, demoHostPages, publicPages, DEMO_GUEST, DEMO_HOST } from './journeys/pages.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  const table = summaryTable();
  writeFileSync(join(OUT_DIR, 'axe-summary.md'), `${table}\n`);
  console.log(`\naxe (critical/serious/moderate/minor violations per page type):\n${table}\n`);
});

const demoPasswords = DEMO_GUEST.password && DEMO_HOST.password;

WIDTHS.forEach((width, w) => {
  const size = `${width.viewport.width}×${width.viewport.height}`;
  // Each run books its own dates, so the runs never compete for a stay. The host's dates stay
  // within 45 days, so that they fall in the three months its calendar shows.
  const days = (n) => n + w * 5;
  describe(`${width.name} (${size})`, () => {
    test('a guest searches with dates, filters, opens a listing, gets a quote, signs up, books, pays and cancels with the refund shown first', () =>
      guestJourney(browser, width, { offset: days(40) }));

    test('a host lists a place with three photos, reorders them, blocks a week, publishes, is found for free dates only, and accepts a request', () =>
      hostJourney(browser, width, { offset: days(20) }));

    test('the guest journey reaches the same outcome without JavaScript', () =>
      guestJourney(browser, width, { js: false, offset: days(120) }));

    test('the host journey reaches the same outcome without JavaScript', () =>
      hostJourney(browser, width, { js: false, offset: days(20) }));

    test('search, filters and the booking widget work with the keyboard alone, the focus always visible', () =>
      keyboardJourney(browser, width, { offset: days(150) }));

    test('the pages anyone can open pass axe and the guards', () => publicPages(browser, width));
    test('a visitor picks a display currency and sees approximate prices with the charged amount beside them', () =>
      currencyJourney(browser, width));

    test('the demo guest\'s pages pass axe and the guards', { skip: !demoPasswords && 'no demo passwords given' }, () =>
      demoGuestPages(browser, width));

    test('the demo host\'s pages pass axe and the guards', { skip: !demoPasswords && 'no demo passwords given' }, () =>
      demoHostPages(browser, width));

    test('an admin finds a user and suspends them, cancels a booking with a full refund, hides a review, retries a dead job and reads it all in the audit log', { skip: !DEMO_ADMIN.password && 'no demo passwords given' }, () =>
      adminJourney(browser, width, { pick: w }));
  });
});
