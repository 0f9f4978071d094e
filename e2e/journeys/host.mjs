// The host's journey: become a host, create a listing with three photos, reorder them and
// choose the cover, block a week, publish, find the listing in search for free dates and not
// for the blocked week, and accept a guest's request.

import assert from 'node:assert/strict';
import { join } from 'node:path';

import { OUT_DIR, Visitor } from '../lib/browser.mjs';
import { writePhotos } from '../lib/photos.mjs';
import { cardLinks, searchWith } from '../lib/search.mjs';
import { assertText, eventually, isoDate, newPerson, signUpAndLogIn } from '../lib/steps.mjs';

const CITY = 'Saltmarsh Bay';

async function photoIds(page) {
  const ids = [];
  for (const tile of await page.locator('#photo-grid .photo-tile').all()) {
    ids.push(await tile.getAttribute('data-photo-id'));
  }
  return ids;
}

/// Waits until the grid shows the photos in `order` (an htmx swap, or the page after a
/// redirect without JavaScript).
async function waitForOrder(visitor, order) {
  await eventually(
    async () => (await photoIds(visitor.page)).join() === order.join(),
    `the photos are in the order ${order}`,
  );
}

async function fillListing(page, { title }) {
  const form = page.locator('main form.form--wide');
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Description').fill(
    'A whitewashed cottage above the harbour, with a wood stove, a garden of sea pinks and ' +
      'the tide coming in under the window. Ten minutes on foot to the bakery and the beach.',
  );
  await form.getByLabel('Type of place').selectOption('cottage');
  await form.getByLabel('Guests', { exact: true }).fill('4');
  await form.getByLabel('Bedrooms').fill('2');
  await form.getByLabel('Beds').fill('3');
  await form.getByLabel('Bathrooms').fill('1.5');
  await form.getByLabel('Street address').fill('3 Quay Lane');
  await form.getByLabel('City').fill(CITY);
  await form.getByLabel('Country').fill('Ireland');
  await form.getByLabel('Time zone').fill('Europe/Dublin');
  await form.getByLabel('Price per night').fill('95.00');
  await form.getByLabel('Cleaning fee').fill('20.00');
  await form.getByLabel('Currency').selectOption('EUR');
  // Request to book: the host answers each request (the end of this journey).
  await form.getByLabel(/Instant book:/).uncheck();
  await form.getByLabel(/Flexible ·/).check();
  await form.getByLabel('Wifi', { exact: true }).check();
  await form.getByLabel('Kitchen', { exact: true }).check();
  await form.getByLabel('Rules guests agree to').fill('No parties. Dogs welcome.');
}

export async function hostJourney(browser, width, { js = true, offset = 20 } = {}) {
  const host = await new Visitor(browser, width, { js, journey: 'host' }).open();
  const guest = await new Visitor(browser, width, { js, journey: 'host-guest' }).open();
  const { page } = host;
  const hostPerson = newPerson(js ? 'host' : 'hostnojs');
  const guestPerson = newPerson(js ? 'requester' : 'requesternojs');
  // Every run lists the same cottage; search results are told apart by the listing's link.
  const title = 'Harbour cottage above the quay';
  const blocked = { start: isoDate(offset), end: isoDate(offset + 7) };
  const free = { checkIn: isoDate(offset + 14), checkOut: isoDate(offset + 17) };
  const photos = writePhotos(join(OUT_DIR, 'photos'));
  try {
    // Become a host.
    await signUpAndLogIn(host, hostPerson);
    await page.locator('.site-header').getByRole('link', { name: 'Become a host' }).click();
    await page.waitForURL('**/host');
    await host.checkpoint('become-host', { pageType: 'become a host' });
    await page.locator('main').getByRole('button', { name: 'Become a host' }).click();
    await page.waitForURL('**/host');
    await assertText(page.locator('h1'), 'Host dashboard');
    await host.checkpoint('dashboard-empty', { pageType: 'host dashboard' });

    // Create the listing (a draft), then its photos.
    await page.locator('main').getByRole('link', { name: 'Create a listing' }).first().click();
    await page.waitForURL('**/host/listings/new');
    await host.checkpoint('listing-new', { pageType: 'listing form' });
    await fillListing(page, { title });
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.waitForURL(/\/host\/listings\/\d+\/photos$/);
    const listingId = page.url().match(/listings\/(\d+)\/photos/)[1];
    const listingPath = `/listings/${listingId}`;
    await assertText(page.locator('.flash-list'), 'saved as a draft');

    await page.getByLabel('Choose photos').setInputFiles(photos);
    await page.getByRole('button', { name: 'Upload photos' }).click();
    await page.waitForURL(`**/host/listings/${listingId}/photos`);
    await page.locator('#photo-grid .photo-tile').nth(2).waitFor();
    const uploaded = await photoIds(page);
    assert.equal(uploaded.length, 3, 'three photos uploaded');
    await host.checkpoint('photos-uploaded', { pageType: 'listing photos' });

    // Reorder: the third photo one place earlier, then make it the cover.
    const [first, second, third] = uploaded;
    await page.getByRole('button', { name: 'Move photo 3 earlier' }).click();
    await waitForOrder(host, [first, third, second]);
    await page.getByRole('button', { name: 'Make cover (photo 2)' }).click();
    const cover = page.locator('#photo-grid .photo-tile--cover');
    await eventually(
      async () => (await cover.getAttribute('data-photo-id')) === third,
      'the chosen photo becomes the cover',
    );
    assert.deepEqual(await photoIds(page), [first, third, second], 'the order held');
    await host.checkpoint('photos');

    // Block a week in the calendar.
    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.waitForURL(`**/host/listings/${listingId}/calendar`);
    await host.checkpoint('calendar-empty', { pageType: 'host calendar' });
    await page.getByLabel('First night').fill(blocked.start);
    await page.getByLabel('Open again from').fill(blocked.end);
    await page.getByLabel('Note (only you see it)').fill('Family week');
    await page.getByRole('button', { name: 'Block these dates' }).click();
    await assertText(page.locator('#host-calendar table'), '7 nights');
    await assertText(page.locator('#host-calendar table'), 'Family week');
    assert.equal(
      await page.locator(`#host-calendar [data-date="${blocked.start}"]`).getAttribute('data-state'),
      'blocked',
      'the first blocked night shows as blocked',
    );

    // Publish.
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(`**/host/listings/${listingId}/edit`);
    await assertText(page.locator('.flash-list'), 'is published');
    await assertText(page.locator('.page-header .badge'), 'Published');
    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.waitForURL(`**/host/listings/${listingId}/calendar`);
    await host.checkpoint('calendar');

    // A guest finds it for free dates, and not for the blocked week.
    await guest.goto('/search');
    await searchWith(guest, { location: CITY, checkIn: free.checkIn, checkOut: free.checkOut, guests: 2 });
    assert.ok((await cardLinks(guest.page)).includes(listingPath), `${listingPath} is found for free dates`);
    await guest.checkpoint('search-free');
    await searchWith(guest, {
      location: CITY,
      checkIn: isoDate(offset + 2),
      checkOut: isoDate(offset + 5),
      guests: 2,
    });
    assert.ok(!(await cardLinks(guest.page)).includes(listingPath), `${listingPath} is not found for the blocked week`);
    await guest.checkpoint('search-blocked');

    // The guest asks to book the free dates.
    await searchWith(guest, { location: CITY, checkIn: free.checkIn, checkOut: free.checkOut, guests: 2 });
    await signUpAndLogIn(guest, guestPerson);
    await guest.goto(
      `/listings/${listingId}?check_in=${free.checkIn}&check_out=${free.checkOut}&guests=2`,
    );
    const cover0 = guest.page.locator('.gallery img').first();
    assert.match(await cover0.getAttribute('src'), /\/media\//, 'the listing page shows the photos');
    await guest.page.locator('#booking').getByRole('button', { name: 'Request to book' }).click();
    await guest.page.waitForURL(/\/trips\/\d+$/);
    await assertText(guest.page.locator('.page-header .badge'), 'Awaiting payment');
    const tripPath = new URL(guest.page.url()).pathname;
    // The request reaches the host once the guest's card is authorized (not charged).
    await guest.page.getByRole('link', { name: /^Send request/ }).click();
    await guest.page.waitForURL(`**${tripPath}/pay`);
    await assertText(guest.page.locator('main'), 'authorized, not charged, until the host accepts');
    await guest.page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await guest.page
      .getByLabel('Expiry (MM/YY)')
      .fill(`12/${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0')}`);
    await guest.page.getByLabel('Security code').fill('123');
    await guest.page.locator('main form').getByRole('button', { name: /^Authorize / }).click();
    await guest.page.waitForURL(`**${tripPath}`);
    await assertText(guest.page.locator('.flash-list'), 'authorized, not charged');
    await assertText(guest.page.locator('.page-header .badge'), 'Awaiting the host');
    guest.assertClean('after requesting to book');

    // The host accepts it.
    await page.locator('.site-header').getByRole('link', { name: 'Host dashboard' }).click();
    await page.waitForURL('**/host');
    await host.checkpoint('dashboard', { pageType: 'host dashboard (with a listing)' });
    await host.goto('/host/reservations');
    await host.checkpoint('reservations', { pageType: 'host reservations' });
    await page.getByRole('link', { name: guestPerson.name }).first().click();
    await page.waitForURL(/\/host\/reservations\/\d+$/);
    await assertText(page.locator('.page-header .badge'), 'Awaiting the host');
    await host.checkpoint('reservation', { pageType: 'host reservation' });
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL(/\/host\/reservations\/\d+$/);
    // Accepting charges the authorized card (a background job), which then confirms the stay.
    assert.match(
      await page.locator('.page-header .badge').innerText(),
      /Accepted|Confirmed/,
      'the request is accepted',
    );
    await host.checkpoint('reservation-accepted');

    // The calendar now shows the accepted stay beside the blocked week.
    await page.locator('.site-header').getByRole('link', { name: 'Host dashboard' }).click();
    await page.waitForURL('**/host');
    await page.locator('main').getByRole('link', { name: 'Calendar' }).first().click();
    await page.waitForURL(`**/host/listings/${listingId}/calendar`);
    assert.equal(
      await page.locator(`#host-calendar [data-date="${free.checkIn}"]`).getAttribute('data-state'),
      'booked',
      'the accepted stay shows as booked',
    );
    await host.checkpoint('calendar-booked', { scroll: '#host-calendar .calendar-legend' });

    // The guest sees it confirmed once the card is charged (within a few seconds).
    const confirmedBy = Date.now() + 15_000;
    for (;;) {
      await guest.goto(tripPath);
      const badge = await guest.page.locator('.page-header .badge').innerText();
      if (badge.includes('Confirmed')) break;
      assert.ok(Date.now() < confirmedBy, `the accepted stay is confirmed, saw: ${badge}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await guest.checkpoint('trip-accepted');

    // The host's other pages.
    await host.goto('/host/listings');
    await host.checkpoint('listings', { pageType: 'host listings' });
    await host.goto('/host/earnings');
    await host.checkpoint('earnings', { pageType: 'host earnings' });
    await host.goto(`/host/listings/${listingId}/edit`);
    await host.checkpoint('listing-edit', { pageType: 'listing form (edit)' });
    await host.goto(`/listings/${listingId}`);
    await host.checkpoint('listing-own', { pageType: 'listing (its host)' });
    return { listingId, title };
  } catch (error) {
    host.explain(error);
    guest.explain(error);
    throw error;
  } finally {
    await host.close();
    await guest.close();
  }
}
