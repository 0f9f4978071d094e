// axe-core on a page, WCAG 2.0 / 2.1 / 2.2 levels A and AA. A critical or serious violation
// fails the step; every result is kept for the summary (`out/axe-summary.json`) that the
// runner prints at the end and the README quotes.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const FAILING = new Set(['critical', 'serious']);

const OUT_DIR = process.env.ROOST_E2E_OUT || new URL('../out', import.meta.url).pathname;

/// `pageType@width` → { url, counts by impact, violations }.
const results = new Map();

export class AccessibilityViolations extends Error {}

function describe(violation) {
  const targets = violation.nodes
    .slice(0, 5)
    .map((node) => `      ${node.target.join(' ')}: ${node.failureSummary?.split('\n').slice(1).join(' ').trim()}`)
    .join('\n');
  return `  [${violation.impact}] ${violation.id}: ${violation.help} (${violation.nodes.length} element(s))\n${targets}`;
}

export async function checkAccessibility(page, pageType, widthName) {
  const key = `${pageType}@${widthName}`;
  if (results.has(key)) return;
  const analysis = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const violation of analysis.violations) counts[violation.impact ?? 'minor'] += 1;
  const entry = {
    pageType,
    width: widthName,
    path: new URL(page.url()).pathname,
    counts,
    passes: analysis.passes.length,
    violations: analysis.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    })),
  };
  results.set(key, entry);
  writeSummary();
  const failing = analysis.violations.filter((v) => FAILING.has(v.impact));
  if (failing.length > 0) {
    throw new AccessibilityViolations(
      `axe: ${failing.length} critical/serious violation(s) on ${pageType} (${widthName}, ${page.url()}):\n` +
        failing.map(describe).join('\n'),
    );
  }
}

export function summary() {
  return [...results.values()];
}

function writeSummary() {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'axe-summary.json'), JSON.stringify(summary(), null, 2));
}

/// A plain-text table of the results: one row per page type, both widths.
export function summaryTable() {
  const rows = new Map();
  for (const entry of results.values()) {
    const row = rows.get(entry.pageType) ?? { path: entry.path, widths: {}, moderate: new Set() };
    const c = entry.counts;
    row.widths[entry.width] = `${c.critical}/${c.serious}/${c.moderate}/${c.minor}`;
    for (const v of entry.violations) if (!FAILING.has(v.impact)) row.moderate.add(`${v.id} (${v.impact})`);
    rows.set(entry.pageType, row);
  }
  const lines = ['| page | example | desktop | phone | moderate/minor rules |', '|---|---|---|---|---|'];
  for (const [type, row] of rows) {
    lines.push(
      `| ${type} | \`${row.path}\` | ${row.widths.desktop ?? '—'} | ${row.widths.phone ?? '—'} | ${[...row.moderate].join(', ') || '—'} |`,
    );
  }
  return lines.join('\n');
}
