// Steps several journeys share: dates, signing up, confirming the address through the
// development mailbox, logging in. Each works with JavaScript on or off.

import assert from 'node:assert/strict';

import { resetSignupThrottle } from './database.mjs';

/// A date `days` after today (UTC), as `YYYY-MM-DD`. Journeys book weeks ahead, so the
/// listing's own time zone never moves the day.
export function isoDate(days) {
  const date = new Date();
  date.setUTCHours(12, 0, 0, 0);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

let serial = 0;
/// A person nobody has used yet.
export function newPerson(tag) {
  serial += 1;
  const stamp = `${Date.now().toString(36)}${serial}`;
  return {
    name: `${tag[0].toUpperCase()}${tag.slice(1)} Tester`,
    email: `${tag}-${stamp}@e2e.roost.test`,
    password: `correct horse ${stamp} staple`,
  };
}

/// Signs up from the header's "Sign up" link, or on the sign-up page already open.
export async function signUp(visitor, person, { alreadyThere = false } = {}) {
  const { page } = visitor;
  resetSignupThrottle();
  if (!alreadyThere) {
    await visitor.goto('/');
    await page.locator('.site-header').getByRole('link', { name: 'Sign up' }).click();
  }
  // From the login page, sign-up keeps where the visitor was going (`?next=`).
  await page.waitForURL((url) => url.pathname === '/signup');
  await visitor.checkpoint('signup', { pageType: 'sign-up' });
  await page.getByLabel('Name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  // Nobody is signed in yet: the visitor is asked to confirm the address, then log in.
  await page.waitForURL((url) => url.pathname === '/login');
  await assertText(page.locator('.flash--success'), `we sent a message to ${person.email}`);
  visitor.assertClean('after signing up');
}

/// Opens the newest email to `email` whose subject matches, waiting for the job queue to send
/// it, and returns its text.
export async function openEmail(visitor, email, subject) {
  const { page } = visitor;
  const deadline = Date.now() + 30_000;
  for (;;) {
    await visitor.goto('/dev/mailbox');
    const item = page.locator('.mail-list li').filter({ hasText: email }).filter({ hasText: subject }).first();
    if ((await item.count()) > 0) {
      await item.getByRole('link').click();
      await page.waitForURL(/\/dev\/mailbox\/\d+$/);
      return page.locator('.mail-message__text').innerText();
    }
    assert.ok(Date.now() < deadline, `no email "${subject}" to ${email} arrived in the development mailbox`);
    await page.waitForTimeout(500);
  }
}

export async function verifyEmail(visitor, person) {
  const text = await openEmail(visitor, person.email, 'onfirm');
  await visitor.checkpoint('mailbox-message', { pageType: 'development mailbox message' });
  const link = text.match(/https?:\/\/\S+\/verify-email\?token=\S+/);
  assert.ok(link, `the confirmation email holds a link:\n${text}`);
  const path = new URL(link[0]).pathname + new URL(link[0]).search;
  await visitor.goto(path);
  await assertText(visitor.page.locator('.flash-list'), 'confirmed');
  visitor.assertClean('after confirming the address');
}

/// A new account, confirmed through the mailbox, then logged in.
export async function signUpAndLogIn(visitor, person, options) {
  await signUp(visitor, person, options);
  await verifyEmail(visitor, person);
  await logIn(visitor, person);
}

export async function logIn(visitor, person) {
  const { page } = visitor;
  await visitor.goto('/login');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  visitor.assertClean('after logging in');
}

/// Waits until `locator` holds `text` (case-insensitive), with the locator's text in the failure.
export async function assertText(locator, text, timeout = 10_000) {
  const wanted = text.toLowerCase();
  const deadline = Date.now() + timeout;
  let seen = '';
  for (;;) {
    seen = (await locator.allInnerTexts()).join(' | ');
    if (seen.toLowerCase().includes(wanted)) return seen;
    if (Date.now() > deadline) {
      assert.fail(`expected "${text}" in ${locator}, saw: ${seen || '(nothing)'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/// Opens the account menu in the header and follows one of its links.
export async function openAccountMenu(page, name) {
  const menu = page.locator('.site-header details.account-menu');
  if ((await menu.getAttribute('open')) === null) {
    await menu.locator('summary').click();
  }
  await menu.getByRole('link', { name }).click();
}

/// Waits until `condition()` is true (it may throw while the page changes under it).
export async function eventually(condition, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // The element went away during a swap or a page load: ask again.
    }
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
