// One display currency: a visitor picks a currency from the footer (no account needed), sees
// every browsed price converted and marked approximate, with the charged amount beside it, and
// switches back to each listing's own currency. Runs with and without JavaScript alike (the
// picker is a plain form).

import assert from 'node:assert/strict';

import { Visitor } from '../lib/browser.mjs';
import { assertText } from '../lib/steps.mjs';

/// Chooses `label` in the footer's currency picker and returns to where the visitor was.
async function pick(visitor, value, back) {
  const page = visitor.page;
  await page.locator('.site-footer').getByRole('link', { name: /^Currency:/ }).click();
  await page.waitForURL(/\/currency/);
  await visitor.checkpoint(`picker-${value || 'own'}`, { pageType: 'currency picker' });
  await page.getByLabel('Show prices in').selectOption(value);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL((url) => url.pathname + url.search === back);
}

export async function currencyJourney(browser, width) {
  const visitor = await new Visitor(browser, width, { journey: 'currency' }).open();
  const page = visitor.page;
  try {
    const search = '/search?location=Paris';
    await visitor.goto(search);
    const own = await page.locator('.listing-card__price strong').first().innerText();
    assert.match(own, /€/, 'Paris prices are in euros');
    await pick(visitor, 'GBP', search);
    await assertText(page.locator('.site-footer'), 'Currency: GBP');
    const converted = await page.locator('.listing-card__price strong').first().innerText();
    assert.match(converted, /^≈ £/, `converted and marked approximate: ${converted}`);
    await assertText(page.locator('.listing-card__charged').first(), 'Charged as €');
    await visitor.checkpoint('search-gbp', { pageType: 'search (display currency)' });

    await page.locator('#search-results .listing-card > a').first().click();
    await page.waitForURL(/\/listings\/\d+/);
    await assertText(page.locator('#booking'), '≈ £');
    await assertText(page.locator('.booking-widget__charged'), 'charged as €');
    await visitor.checkpoint('listing-gbp', { pageType: 'listing (display currency)' });

    const listing = new URL(page.url());
    await pick(visitor, '', listing.pathname + listing.search);
    await assertText(page.locator('.site-footer'), "Currency: listing's own");
    assert.equal(await page.locator('.booking-widget__charged').count(), 0, 'no conversion');
  } catch (error) {
    visitor.explain(error);
    throw error;
  } finally {
    await visitor.close();
  }
}
