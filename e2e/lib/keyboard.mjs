// Moving through a page with the keyboard only, checking at every Tab that the focus can be
// seen: the focused element must look different from how it looked when the page loaded
// (outline, shadow, border, colours, position, on it or the two elements around it, which is
// where a field's ring is drawn), and it must be in view and not covered.

import assert from 'node:assert/strict';

/// Installed in every page of the keyboard visitor: how a focusable element looks, and how
/// each one looked once the page had loaded, before anything had the focus (the baseline).
function recordFocusBaseline() {
  const signature = (element) => {
    const parts = [];
    let node = element;
    for (let depth = 0; depth < 3 && node && node !== document.body; depth += 1) {
      const s = getComputedStyle(node);
      parts.push(
        [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor, s.backgroundColor,
          s.color, s.transform, s.textDecorationLine].join(' '),
      );
      node = node.parentElement;
    }
    return parts.join(' / ');
  };
  window.__roostFocusSignature = signature;
  window.addEventListener('load', () => {
    const baseline = new WeakMap();
    for (const element of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')) {
      baseline.set(element, signature(element));
    }
    window.__roostFocusBaseline = baseline;
  });
}

/// Runs in the page after each key press: is the focused element visibly different from its
/// baseline (or, for an element added later by htmx, from how it looks once the focus has
/// moved on), in view, and not covered?
function inspectFocus() {
  const signature = window.__roostFocusSignature;
  const describe = (element) => {
    const label = element.getAttribute('aria-label') || element.labels?.[0]?.innerText ||
      element.innerText || element.getAttribute('name') || '';
    return `<${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}> "${label.trim().slice(0, 50)}"`;
  };
  const state = (window.__roostFocus ??= { element: null, signature: '' });
  const active = document.activeElement;
  let previous = null;
  if (state.element && state.element !== active && state.element.isConnected) {
    previous = { description: describe(state.element), visible: signature(state.element) !== state.signature };
  }
  state.element = null;
  if (!active || active === document.body) return { previous, current: null };
  const now = signature(active);
  const baseline = window.__roostFocusBaseline?.get(active);
  if (baseline === undefined) {
    // Compared when the focus leaves it.
    state.element = active;
    state.signature = now;
  }
  const box = active.getBoundingClientRect();
  const inView = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 &&
    box.top < window.innerHeight && box.left < window.innerWidth;
  const x = Math.min(Math.max(box.left + box.width / 2, 0), window.innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), window.innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  const covered = Boolean(top && !active.contains(top) && !top.contains(active) &&
    !(active.labels && [...active.labels].some((label) => label.contains(top))));
  return {
    previous,
    current: {
      description: describe(active),
      visible: baseline === undefined ? null : now !== baseline,
      styles: `now ${now}; when the page loaded ${baseline}`,
      inView,
      covered,
      coveredBy: top ? describe(top) : '',
    },
  };
}

export class Keyboard {
  constructor(visitor) {
    this.visitor = visitor;
    this.page = visitor.page;
    this.stops = 0;
  }

  /// Before the first page: every page records its baseline when it has loaded.
  static async install(visitor) {
    await visitor.context.addInitScript(recordFocusBaseline);
    return new Keyboard(visitor);
  }

  async check() {
    const { previous, current } = await this.page.evaluate(inspectFocus);
    if (previous) {
      assert.ok(previous.visible, `${this.visitor.label}: the focus on ${previous.description} cannot be seen (${this.page.url()})`);
    }
    if (current) {
      assert.notEqual(
        current.visible,
        false,
        `${this.visitor.label}: the focus on ${current.description} cannot be seen (${this.page.url()}): ${current.styles}`,
      );
      assert.ok(current.inView, `${this.visitor.label}: the focused ${current.description} is out of view`);
      assert.ok(!current.covered, `${this.visitor.label}: the focused ${current.description} is covered by ${current.coveredBy}`);
    }
    return current;
  }

  async press(key) {
    await this.page.keyboard.press(key);
    this.stops += 1;
    return this.check();
  }

  /// Presses Tab until the focus is on an element matching `selector`.
  async tabTo(selector, max = 80) {
    for (let i = 0; i < max; i += 1) {
      await this.press('Tab');
      if (await this.page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    assert.fail(`${this.visitor.label}: ${max} presses of Tab never reached ${selector} on ${this.page.url()}`);
  }

  async type(text) {
    await this.page.keyboard.type(text);
  }

  /// Types a date into a focused date field the way Chromium's en-US field takes it
  /// (month, day, year; each part moves on to the next).
  async typeDate(iso) {
    const [year, month, day] = iso.split('-');
    await this.page.keyboard.type(`${month}${day}${year}`);
  }

  /// Forgets the element focused before (a new page starts afresh by itself).
  async reset() {
    await this.page.evaluate(() => {
      window.__roostFocus = { element: null, signature: '' };
    });
  }
}
