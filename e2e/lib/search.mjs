// The search page as a person uses it: the filter form, which htmx turns into in-place
// updates (JavaScript on) and which is a plain GET form otherwise.

import assert from 'node:assert/strict';

/// Waits until the results match the URL's query and no htmx request is running.
export async function resultsSettled(visitor, wanted = {}) {
  const { page } = visitor;
  await page.waitForURL((url) =>
    Object.entries(wanted).every(([key, value]) =>
      Array.isArray(value)
        ? value.every((v) => url.searchParams.getAll(key).includes(v))
        : url.searchParams.get(key) === value,
    ),
  );
  if (visitor.js) {
    await page.waitForFunction(() => {
      const results = document.getElementById('search-results');
      return results && !results.classList.contains('htmx-request') && !document.querySelector('.htmx-request');
    });
  }
  await page.waitForLoadState('load');
}

/// The button that applies the filters: "Show 12 stays" (the count follows the results), or
/// "Show stays" where nothing was counted (the filters step of a phone without JavaScript).
export const SHOW_STAYS = /^Show (\d[\d,]*\+? )?stays?$/;

/// On phones the filters are behind "Filters": open them, as a person would (a sheet with
/// JavaScript, the /search/filters step without).
export async function openFilters(page) {
  const opener = page.locator('#search-results a.filters-open');
  if ((await opener.count()) === 0 || !(await opener.isVisible())) return;
  if ((await page.locator('#filters-sheet[open]').count()) > 0) return;
  await opener.click();
  await page.locator('#search-filters').waitFor({ state: 'visible' });
}

/// Closes the phone's filter sheet if it is open (it is modal: the results behind it cannot
/// be reached until then).
export async function closeFilters(page) {
  const sheet = page.locator('#filters-sheet[open]');
  if ((await sheet.count()) > 0) {
    await sheet.getByRole('button', { name: 'Close' }).click();
    await sheet.waitFor({ state: 'detached' });
  }
}

/// Fills the filter form and asks for stays ("Show stays"), as a person would.
export async function searchWith(visitor, { location, checkIn, checkOut, guests }) {
  const { page } = visitor;
  await openFilters(page);
  const form = page.locator('#search-filters');
  await form.getByLabel('Where').fill(location);
  await form.getByLabel('Check in').fill(checkIn);
  await form.getByLabel('Check out').fill(checkOut);
  await form.getByLabel('Guests').fill(String(guests));
  await form.getByRole('button', { name: SHOW_STAYS }).click();
  await resultsSettled(visitor, { location, check_in: checkIn, check_out: checkOut, guests: String(guests) });
}

/// Titles of the listing cards on the page.
export async function cardTitles(page) {
  return page.locator('#search-results .listing-card__title').allInnerTexts();
}

/// Links of the listing cards on the page (`/listings/{id}`).
/// The listing paths the result cards link to (without the searched stay they carry).
export async function cardLinks(page) {
  return page
    .locator('#search-results .listing-card > a')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href').split('?')[0]));
}

/// The status line of the results ("34 stays · …", or "No stays match").
export async function resultsStatus(page) {
  return (await page.locator('#search-results .results-header [role=status]').innerText()).trim();
}

/// Ticks an amenity and checks that the results change in place (JavaScript on: no page
/// load, the URL pushed) or after "Show stays" (JavaScript off: a normal GET).
export async function filterByAmenity(visitor, label, slug) {
  const { page } = visitor;
  if (visitor.js) {
    // A mark on the document: a full page load would lose it, an htmx swap keeps it.
    await page.evaluate(() => {
      window.__roostSameDocument = true;
      document.getElementById('search-results').dataset.stale = 'yes';
    });
  }
  await openFilters(page);
  await page.locator('#search-filters').getByLabel(label, { exact: true }).check();
  if (!visitor.js) {
    await page.locator('#search-filters').getByRole('button', { name: SHOW_STAYS }).click();
  }
  await resultsSettled(visitor, { amenities: [slug] });
  await closeFilters(page);
  if (visitor.js) {
    const inPlace = await page.evaluate(() => ({
      sameDocument: window.__roostSameDocument === true,
      swapped: document.getElementById('search-results')?.dataset.stale !== 'yes',
    }));
    assert.ok(inPlace.sameDocument, 'the filter reloaded the whole page instead of updating the results');
    assert.ok(inPlace.swapped, 'the results were not replaced after the filter changed');
  }
}
