// Keyboard only: the home page's search form, a filter and the booking widget used with Tab,
// Enter and Space, the focus visible at every stop. The account it books with is made first
// (by the same steps as the guest journey), then not one click.

import assert from 'node:assert/strict';

import { Visitor } from '../lib/browser.mjs';
import { Keyboard } from '../lib/keyboard.mjs';
import { resultsSettled } from '../lib/search.mjs';
import { assertText, isoDate, newPerson, signUpAndLogIn } from '../lib/steps.mjs';

const CITY = 'London';

export async function keyboardJourney(browser, width, { offset = 90 } = {}) {
  const visitor = await new Visitor(browser, width, { journey: 'keyboard' }).open();
  const { page } = visitor;
  const keys = await Keyboard.install(visitor);
  const stay = { checkIn: isoDate(offset), checkOut: isoDate(offset + 2) };
  try {
    const person = newPerson('keyboard');
    await signUpAndLogIn(visitor, person);

    // The home page: the skip link comes first.
    await visitor.goto('/');
    await keys.reset();
    const first = await keys.press('Tab');
    assert.match(first.description, /Skip to content/, `the first Tab stop is the skip link, not ${first.description}`);

    // The search form: type, Tab between fields, Enter to search.
    await keys.tabTo('#search-location');
    await keys.type(CITY);
    await keys.tabTo('#search-check-in');
    await keys.typeDate(stay.checkIn);
    await keys.tabTo('#search-check-out');
    await keys.typeDate(stay.checkOut);
    await keys.tabTo('#search-guests');
    await keys.type('2');
    await page.keyboard.press('Enter');
    await resultsSettled(visitor, { location: CITY, check_in: stay.checkIn, check_out: stay.checkOut, guests: '2' });
    await visitor.checkpoint('search');

    // A filter with Space: the results change in place and the focus stays on the box.
    await keys.reset();
    const phone = await page.locator('#search-results a.filters-open').isVisible();
    if (phone) {
      // Phones: the filters open in a sheet with Enter on "Filters".
      await keys.tabTo('#search-results a.filters-open');
      await page.keyboard.press('Enter');
      await page.locator('#filters-sheet #search-filters').waitFor();
    }
    await keys.tabTo('#search-filters input[name="amenities"][value="wifi"]');
    await page.keyboard.press('Space');
    await resultsSettled(visitor, { amenities: ['wifi'] });
    assert.ok(
      await page.evaluate(() => document.activeElement?.matches('input[value="wifi"]:checked')),
      'the focus stays on the ticked filter while the results change',
    );
    await keys.check();
    if (phone) {
      // Escape closes the sheet; the focus is back on "Filters", before the results.
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.getElementById('filters-sheet')?.open);
    }

    // On to the first result with Enter.
    await keys.tabTo('#search-results .listing-card > a');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/listings\/\d+(\?[^/]*)?$/);
    await visitor.checkpoint('listing');

    // The booking widget: dates and guests typed, the quote follows.
    await keys.reset();
    await keys.tabTo('#booking-check-in');
    await keys.typeDate(stay.checkIn);
    await keys.tabTo('#booking-check-out');
    await keys.typeDate(stay.checkOut);
    await keys.tabTo('#booking-guests');
    await page.keyboard.press('ControlOrMeta+A');
    await keys.type('2');
    await keys.press('Tab');
    await page.locator('#booking .quote .price-total').waitFor();
    await assertText(page.locator('#booking .quote'), '2 nights');

    // "Check price" with Space (a plain form post without htmx: the page comes back with the
    // stay), then the main button with Enter.
    // The page may already carry the stay (a result card links with the searched dates), so
    // wait for the new page's load rather than for its URL.
    await keys.tabTo('#booking button[formaction]');
    const reloaded = page.waitForEvent('load');
    await page.keyboard.press('Space');
    await reloaded;
    assert.equal(new URL(page.url()).searchParams.get('check_in'), stay.checkIn);
    await page.locator('#booking .quote .price-total').waitFor();
    await keys.reset();
    await keys.tabTo('#booking button[type="submit"]:not([formaction])');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/trips\/\d+$/);
    await assertText(page.locator('.page-header .badge'), 'Awaiting');
    await visitor.checkpoint('trip');
    assert.ok(keys.stops > 20, `the journey went through the pages by keyboard (${keys.stops} key presses)`);
  } catch (error) {
    visitor.explain(error);
    throw error;
  } finally {
    await visitor.close();
  }
}
