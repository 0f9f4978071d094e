// The admin console in a browser: the demo admin finds a seeded guest by email, suspends them
// (confirming their password first: sudo mode), sees the suspension on the user's page, cancels
// a confirmed booking with a full refund, hides a review (the listing's figures follow), retries
// a dead job, and reads each action in the audit log; every admin page type passes axe and the
// guards. The admin's password comes from `roost seed`'s output (e2e/run.sh passes it on).

import assert from 'node:assert/strict';

import { Visitor } from '../lib/browser.mjs';
import { deadJob, publishedReview } from '../lib/database.mjs';
import { assertText, logIn } from '../lib/steps.mjs';

export const DEMO_ADMIN = { email: 'admin@roost.test', password: process.env.ROOST_E2E_ADMIN_PASSWORD };

/// `pick`: which seeded guest of the list to suspend, so that each run takes another.
export async function adminJourney(browser, width, { pick }) {
  const visitor = await new Visitor(browser, width, { journey: 'admin' }).open();
  const { page } = visitor;
  try {
    await logIn(visitor, DEMO_ADMIN);
    await visitor.goto('/admin');
    await assertText(page.locator('h1'), 'Today');
    await visitor.checkpoint('dashboard', { pageType: 'admin dashboard' });

    // Find a seeded guest, then find them again by their address, as an admin would.
    await visitor.goto('/admin/users?q=seed.roost.test&role=guest&suspended=no&sort=id&dir=asc');
    await visitor.checkpoint('users', { pageType: 'admin users' });
    const email = (await page.locator('table tbody tr td:nth-child(2) a').nth(pick).innerText()).trim();
    assert.match(email, /@seed\.roost\.test$/, `a seeded guest's address, not ${email}`);
    await page.getByLabel('Email or name').fill(email);
    await page.locator('form.admin-filters').getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/admin\/users\?/);
    await assertText(page.locator('main'), 'Showing 1–1 of 1');
    await page.getByRole('link', { name: email }).click();
    await page.waitForURL(/\/admin\/users\/\d+$/);
    const userPath = new URL(page.url()).pathname;
    await visitor.checkpoint('user', { pageType: 'admin user' });

    // The first suspension asks for the password; then the admin is back on the user's page.
    await page.locator('#reason-suspend').fill('Browser journey: reported for spam');
    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await page.waitForURL(/\/admin\/confirm\?/);
    await visitor.checkpoint('confirm', { pageType: 'admin password confirmation' });
    await page.getByLabel('Your password', { exact: true }).fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL((url) => url.pathname === userPath);
    await page.locator('#reason-suspend').fill('Browser journey: reported for spam');
    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await page.waitForURL((url) => url.pathname === userPath);
    await assertText(page.locator('.badge--danger'), 'Suspended');
    await assertText(page.locator('main'), 'Browser journey: reported for spam');
    await visitor.checkpoint('user-suspended', { pageType: 'admin user' });

    // The audit log names the action, the user and the reason.
    await visitor.goto('/admin/audit');
    const row = page.locator('table tbody tr', { hasText: 'Browser journey: reported for spam' }).first();
    await assertText(row, 'suspend');
    await assertText(row, `user #${userPath.split('/').pop()}`);
    await visitor.checkpoint('audit', { pageType: 'admin audit log' });

    // A confirmed booking, cancelled by Roost with a full refund (the password is still fresh).
    await visitor.goto('/admin/bookings?state=confirmed');
    await visitor.checkpoint('bookings', { pageType: 'admin bookings' });
    await page.locator('table tbody tr td:first-child a').first().click();
    await page.waitForURL(/\/admin\/bookings\/\d+$/);
    const bookingPath = new URL(page.url()).pathname;
    await visitor.checkpoint('booking', { pageType: 'admin booking' });
    await page.locator('#reason-cancel').fill('Browser journey: the host cannot be reached');
    await page.getByRole('button', { name: 'Cancel with a full refund' }).click();
    await page.waitForURL((url) => url.pathname === bookingPath);
    await assertText(page.locator('main .badge').first(), 'Cancelled');
    await assertText(page.locator('main'), 'refund');
    await visitor.checkpoint('booking-cancelled', { pageType: 'admin booking' });

    // A published review hidden: the listing's average no longer counts it.
    const reviewId = publishedReview();
    await visitor.goto('/admin/reviews?visibility=visible');
    await visitor.checkpoint('reviews', { pageType: 'admin reviews' });
    await page.getByRole('link', { name: reviewId, exact: true }).click();
    const reviewPath = `/admin/reviews/${reviewId}`;
    await page.waitForURL((url) => url.pathname === reviewPath);
    const listingFigures = page.locator('dd', { hasText: 'reviews)' });
    const before = (await listingFigures.innerText()).trim();
    await visitor.checkpoint('review', { pageType: 'admin review' });
    await page.locator('#reason-hide').fill('Browser journey: insults the host');
    await page.getByRole('button', { name: 'Hide the review' }).click();
    await page.waitForURL((url) => url.pathname === reviewPath);
    await page.getByRole('button', { name: 'Restore the review' }).waitFor();
    const after = (await listingFigures.innerText()).trim();
    assert.notEqual(after, before, 'the listing\'s average and count follow the hidden review');

    // A dead job retried: it leaves the dead list.
    const jobId = deadJob();
    await visitor.goto('/admin/jobs?state=dead');
    await visitor.checkpoint('jobs', { pageType: 'admin jobs' });
    const job = page.locator('article', { has: page.locator(`#job-${jobId}`) });
    await job.getByRole('button', { name: 'Retry' }).click();
    await page.waitForURL(/\/admin\/jobs/);
    await visitor.goto('/admin/jobs?state=dead');
    assert.equal(await page.locator(`#job-${jobId}`).count(), 0, `job ${jobId} is no longer dead`);

    // Each action is in the audit log.
    await visitor.goto('/admin/audit');
    for (const reason of ['the host cannot be reached', 'insults the host']) {
      await assertText(page.locator('table tbody'), `Browser journey: ${reason}`);
    }
    await assertText(page.locator('table tbody tr', { hasText: `job #${jobId}` }).first(), 'retry');
  } catch (error) {
    visitor.explain(error);
    throw error;
  } finally {
    await visitor.close();
  }
}
