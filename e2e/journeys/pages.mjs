// Every other page type, for accessibility and the guards: what anyone can open (login,
// password reset, empty and invalid searches, error pages, profiles, reviews), then the demo
// guest's pages (trips with past stays, a review, the wishlist, account pages) and the demo
// host's (dashboard with listings, reservations, earnings, a busy calendar). The demo
// accounts' passwords come from `roost seed`'s output (e2e/run.sh passes them on).

import assert from 'node:assert/strict';

import { Visitor } from '../lib/browser.mjs';
import { assertText, logIn } from '../lib/steps.mjs';

export const DEMO_GUEST = { email: 'guest@roost.test', password: process.env.ROOST_E2E_GUEST_PASSWORD };
export const DEMO_HOST = { email: 'host@roost.test', password: process.env.ROOST_E2E_HOST_PASSWORD };

/// Visits `path`, expecting `status`, and checks the page.
async function visit(visitor, path, pageType, { status = 200, step } = {}) {
  const work = async () => {
    const response = await visitor.goto(path);
    assert.equal(response.status(), status, `${path} answers ${status}`);
    await visitor.checkpoint(step ?? pageType.replace(/\W+/g, '-'), { pageType });
  };
  if (status >= 400) {
    // Chromium logs a page that comes with an error status as a console error: expected here.
    return visitor.expecting(new RegExp(`status of ${status}`), work);
  }
  return work();
}

export async function publicPages(browser, width) {
  const visitor = await new Visitor(browser, width, { journey: 'pages' }).open();
  try {
    await visit(visitor, '/login', 'log in');
    await visit(visitor, '/signup', 'sign-up');
    await visit(visitor, '/password/forgot', 'forgotten password');
    await visit(visitor, '/search?location=zzzzqx', 'search (nothing found)');
    await visit(visitor, '/search?check_in=2020-13-45&guests=0&min_price=abc', 'search (bad filters)');
    await assertText(visitor.page.locator('#search-results [role=alert]'), 'could not be used');
    await visit(visitor, '/this-page-does-not-exist', 'error page (404)', { status: 404 });
    await visit(visitor, '/listings/999999999', 'error page (listing not found)', { status: 404 });
    await visit(visitor, '/verify-email?token=not-a-token', 'email link problem', { status: 400 });
    // A listing with reviews, its reviews page and its host's profile.
    await visitor.goto('/search?location=Paris&sort=rating');
    await visitor.page.locator('#search-results .listing-card > a').first().click();
    await visitor.page.waitForURL(/\/listings\/\d+(\?[^/]*)?$/);
    const listingPath = new URL(visitor.page.url()).pathname;
    await visitor.checkpoint('listing-reviewed', { pageType: 'listing (with reviews)' });
    await visit(visitor, `${listingPath}/reviews`, 'listing reviews');
    await visit(visitor, '/dev/mailbox', 'development mailbox');
    await graphiqlRunsAQuery(visitor);
  } catch (error) {
    visitor.explain(error);
    throw error;
  } finally {
    await visitor.close();
  }
}

/// GraphiQL (development) under the page's CSP: the vendored bundle loads, a query typed in its
/// editor runs, and no guard fires (a CSP violation, a console error). Not checked with axe:
/// it is a third-party developer tool, not a page of Roost's.
async function graphiqlRunsAQuery(visitor) {
  if (!visitor.js) return;
  const { page } = visitor;
  await visitor.goto('/graphql');
  const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('{ listings(location: "Paris", first: 2) { edges { node { title city } } } }');
  await page.locator('.graphiql-execute-button').click();
  await assertText(page.locator('.graphiql-response'), '"city": "Paris"');
  await visitor.checkpoint('graphiql');
}

export async function demoGuestPages(browser, width) {
  const visitor = await new Visitor(browser, width, { journey: 'demo-guest' }).open();
  const { page } = visitor;
  try {
    await logIn(visitor, DEMO_GUEST);
    await visit(visitor, '/trips', 'trips');
    await visit(visitor, '/trips?tab=past', 'trips (past)');
    // The seed gives the demo guest the stay that ended last: its review is open.
    const past = await page.locator('.trip-card__title a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.ok(past.length > 0, 'the demo guest has past trips');
    let reviewed = false;
    for (const href of past) {
      await visitor.goto(href);
      await visitor.checkpoint('trip-past', { pageType: 'trip (past)' });
      const review = page.getByRole('link', { name: 'Review your stay' });
      if ((await review.count()) === 0) continue;
      await review.click();
      await page.waitForURL(/\/review$/);
      await assertText(page.locator('h1'), 'Review your stay');
      await visitor.checkpoint('review', { pageType: 'review' });
      reviewed = true;
      break;
    }
    assert.ok(reviewed, 'one of the demo guest\'s past trips can be reviewed');
    await visit(visitor, '/wishlist', 'wishlist');
    await visit(visitor, '/account', 'account');
    await visit(visitor, '/account/password', 'account password');
    await visit(visitor, '/account/sessions', 'account sessions');
    await visit(visitor, '/account/delete', 'account deletion');
    const profile = await page.evaluate(() => document.querySelector('a[href^="/users/"]')?.getAttribute('href'));
    if (profile) await visit(visitor, profile, 'profile');
  } catch (error) {
    visitor.explain(error);
    throw error;
  } finally {
    await visitor.close();
  }
}

export async function demoHostPages(browser, width) {
  const visitor = await new Visitor(browser, width, { journey: 'demo-host' }).open();
  const { page } = visitor;
  try {
    await logIn(visitor, DEMO_HOST);
    await visit(visitor, '/host', 'host dashboard (with listings)');
    await visit(visitor, '/host/listings', 'host listings');
    await visit(visitor, '/host/reservations', 'host reservations');
    const reservation = page.locator('main table a').first();
    if ((await reservation.count()) > 0) {
      await reservation.click();
      await page.waitForURL(/\/host\/reservations\/\d+$/);
      await visitor.checkpoint('reservation', { pageType: 'host reservation' });
    }
    await visit(visitor, '/host/earnings', 'host earnings');
    await page.goto(visitor.url('/host/listings'));
    const calendar = page.getByRole('link', { name: /calendar/i }).first();
    await calendar.click();
    await page.waitForURL(/\/calendar$/);
    await visitor.checkpoint('calendar', { pageType: 'host calendar (booked nights)' });
    const photos = page.getByRole('link', { name: 'Photos' });
    await photos.click();
    await page.waitForURL(/\/photos$/);
    await visitor.checkpoint('photos', { pageType: 'listing photos' });
  } catch (error) {
    visitor.explain(error);
    throw error;
  } finally {
    await visitor.close();
  }
}
