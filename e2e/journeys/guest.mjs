// The guest's journey: search with dates and guests, narrow the results with a filter, open a
// listing, get a live quote, sign up, confirm the address through the development mailbox,
// book, pay with the sandbox card, see the trip confirmed, cancel it with the refund shown
// before confirming.

import assert from 'node:assert/strict';

import { Visitor } from '../lib/browser.mjs';
import { cardTitles, filterByAmenity, resultsSettled, resultsStatus } from '../lib/search.mjs';
import { assertText, isoDate, newPerson, openAccountMenu, signUpAndLogIn } from '../lib/steps.mjs';

const CITY = 'Paris';

/// Opens listings from the results until one can be booked at once (instant book), which
/// the sandbox payment needs; the demo data makes about six in ten so.
async function openInstantBookListing(visitor) {
  const { page } = visitor;
  const links = await page.locator('#search-results .listing-card > a').evaluateAll((as) =>
    as.map((a) => a.getAttribute('href')),
  );
  assert.ok(links.length > 0, 'the search found no stay to open');
  for (const [index, href] of links.entries()) {
    if (index === 0) {
      await page.locator('#search-results .listing-card > a').first().click();
      // The card carries the searched stay (`?check_in=…`), so the URL is compared whole.
      await page.waitForURL((url) => url.pathname + url.search === href);
    } else {
      await visitor.goto(href);
    }
    // Instant book, and photos (one demo listing in twenty has none) for the screenshots.
    const reserve = page.locator('#booking').getByRole('button', { name: 'Reserve' });
    const photos = page.locator('.gallery img');
    if ((await reserve.count()) > 0 && (await photos.count()) > 0) return href.split('?')[0];
  }
  assert.fail(`none of the ${links.length} stays found has photos and can be booked instantly`);
}

/// Types the stay into the booking widget and waits for the price (live with JavaScript,
/// "Check price" without).
async function quoteStay(visitor, { checkIn, checkOut, guests }) {
  const { page } = visitor;
  const widget = page.locator('#booking');
  await widget.getByLabel('Check in').fill(checkIn);
  await widget.getByLabel('Check out').fill(checkOut);
  await widget.getByLabel('Guests').fill(String(guests));
  if (visitor.js) {
    // The quote follows each change without a page load.
    await page.evaluate(() => {
      window.__roostSameDocument = true;
    });
  } else {
    await widget.getByRole('button', { name: 'Check price' }).click();
    await page.waitForURL((url) => url.searchParams.get('check_in') === checkIn);
  }
  const total = widget.locator('.quote .price-total');
  await total.waitFor();
  await assertText(widget.locator('.quote'), 'nights');
  if (visitor.js) {
    assert.ok(
      await page.evaluate(() => window.__roostSameDocument === true),
      'the quote reloaded the page instead of updating in place',
    );
  }
  return (await total.innerText()).replace(/\s+/g, ' ').trim();
}

export async function guestJourney(browser, width, { js = true, offset = 40 } = {}) {
  const visitor = await new Visitor(browser, width, { js, journey: 'guest' }).open();
  const { page } = visitor;
  const stay = { checkIn: isoDate(offset), checkOut: isoDate(offset + 3), guests: 2 };
  const person = newPerson(js ? 'guest' : 'guestnojs');
  try {
    // Search from the home page with dates and guests.
    await visitor.goto('/');
    await visitor.checkpoint('home', { pageType: 'home' });
    const bar = page.locator('form.search-bar');
    await bar.getByLabel('Where').fill(CITY);
    await bar.getByLabel('Check in').fill(stay.checkIn);
    await bar.getByLabel('Check out').fill(stay.checkOut);
    await bar.getByLabel('Guests').fill(String(stay.guests));
    await bar.getByRole('button', { name: 'Search' }).click();
    await resultsSettled(visitor, {
      location: CITY,
      check_in: stay.checkIn,
      check_out: stay.checkOut,
      guests: '2',
    });
    const before = await resultsStatus(page);
    assert.match(before, /stays?/, `the search found stays in ${CITY}: ${before}`);
    assert.equal(await page.locator('#filter-check-in').inputValue(), stay.checkIn);
    await visitor.checkpoint('search', { pageType: 'search results' });

    // A filter narrows the results: in place and in the URL.
    await filterByAmenity(visitor, 'Wifi', 'wifi');
    const after = await resultsStatus(page);
    assert.ok((await cardTitles(page)).length > 0, `stays with wifi in ${CITY}: ${after}`);
    assert.match(after, /3 nights/, `the results still count the stay's nights: ${after}`);
    await visitor.checkpoint('search-filtered', { scroll: '#search-results' });

    // Back to before the filter and Forward again. With JavaScript, htmx reloads the page
    // rather than swapping it into this document with the old fields' attributes copied over
    // (`style` ones, which the CSP refuses: the guards would see the reports). The reload
    // follows the history step, so wait for its load, not only for the URL.
    const reloaded = () => (visitor.js ? page.waitForEvent('load') : Promise.resolve());
    await page.evaluate(() => {
      window.__roostBeforeBack = true;
    });
    await Promise.all([reloaded(), page.goBack()]);
    await page.waitForURL((url) => !url.searchParams.has('amenities'));
    assert.ok(
      await page.evaluate(() => window.__roostBeforeBack !== true),
      'Back swapped the earlier page into this document instead of loading it afresh',
    );
    await visitor.checkpoint('search-back');
    await Promise.all([reloaded(), page.goForward()]);
    await resultsSettled(visitor, { amenities: ['wifi'] });
    await visitor.checkpoint('search-forward');

    // A listing, and its live quote.
    const listingPath = await openInstantBookListing(visitor);
    await visitor.checkpoint('listing', { pageType: 'listing' });
    const total = await quoteStay(visitor, stay);
    assert.match(total, /Total .*\d/, `the quote shows a total: ${total}`);
    await visitor.checkpoint('listing-quote');

    // Reserving needs an account: the login page, then sign up.
    await page.locator('#booking').getByRole('button', { name: 'Reserve' }).click();
    await page.waitForURL(/\/login\?next=/);
    await visitor.checkpoint('login', { pageType: 'log in' });
    await page.getByRole('link', { name: 'Create an account' }).click();
    await signUpAndLogIn(visitor, person, { alreadyThere: true });
    await visitor.goto('/account');
    await visitor.checkpoint('account', { pageType: 'account' });

    // Back to the stay, and book it.
    const stayPath = `${listingPath}?check_in=${stay.checkIn}&check_out=${stay.checkOut}&guests=${stay.guests}`;
    await visitor.goto(stayPath);
    await page.locator('#booking .quote .price-total').waitFor();
    await page.locator('#booking').getByRole('button', { name: 'Reserve' }).click();
    await page.waitForURL(/\/trips\/\d+$/);
    const tripPath = new URL(page.url()).pathname;
    await assertText(page.locator('.page-header .badge'), 'Awaiting payment');
    await visitor.checkpoint('trip-unpaid', { pageType: 'trip' });

    // Pay with the sandbox card.
    await page.getByRole('link', { name: /^Pay / }).click();
    await page.waitForURL(`**${tripPath}/pay`);
    await visitor.checkpoint('pay', { pageType: 'pay' });
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByLabel('Expiry (MM/YY)').fill(`12/${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0')}`);
    await page.getByLabel('Security code').fill('123');
    await page.locator('main form').getByRole('button', { name: /^Pay / }).click();
    await page.waitForURL(`**${tripPath}`);
    await assertText(page.locator('.flash-list'), 'your stay is confirmed');
    await assertText(page.locator('.page-header .badge'), 'Confirmed');
    await visitor.checkpoint('trip');

    // The trip among the guest's trips.
    await openAccountMenu(page, 'Trips');
    await page.waitForURL('**/trips');
    await visitor.checkpoint('trips', { pageType: 'trips' });
    await visitor.goto(tripPath);

    // Cancel: the refund is on the page before the guest confirms.
    await page.getByRole('link', { name: 'Cancel trip' }).click();
    await page.waitForURL(`**${tripPath}/cancel`);
    const refund = page.locator('[aria-label="Your refund"] .price-total');
    const refundText = (await refund.innerText()).replace(/\s+/g, ' ');
    assert.match(refundText, /Your refund .*\d/, `the refund is shown first: ${refundText}`);
    const cents = Number(await refund.locator('[data-refund]').getAttribute('data-refund'));
    assert.ok(cents > 0, `a cancellation weeks ahead refunds something (got ${cents})`);
    await visitor.checkpoint('cancel', { pageType: 'cancel' });
    await page.getByRole('button', { name: /^Cancel the trip and refund/ }).click();
    await page.waitForURL(`**${tripPath}`);
    await assertText(page.locator('.flash-list'), 'will be refunded');
    await assertText(page.locator('.page-header .badge'), 'Cancelled by the guest');
    await visitor.checkpoint('trip-cancelled');
    return { person, listingPath };
  } catch (error) {
    visitor.explain(error);
    throw error;
  } finally {
    await visitor.close();
  }
}
