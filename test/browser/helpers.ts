// Browser tests: a live portal on 127.0.0.1 (fresh database, real SMTP sink) driven by Debian's
// Chromium through playwright-core, with axe-core checking each page against WCAG 2.1 AA.
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../server/paths.js';
import { startHarness, type Harness } from '../helpers/harness.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface LivePortal {
  harness: Harness;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startLivePortal(): Promise<LivePortal> {
  const harness = await startHarness();
  const server: Server = createServer(harness.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  return {
    harness,
    baseUrl,
    browser,
    close: async () => {
      await browser.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await harness.close();
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * Runs axe-core on the page (evaluated through the DevTools protocol, so the page's own content
 * security policy stays as strict as in production) and returns readable violations.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  });
  return violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n    ')}`,
  );
}

const screenshotDir = path.join(projectRoot, 'test', 'browser', 'screenshots');

/** Saves the page at phone and desktop widths under test/browser/screenshots/ (git-ignored). */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const original = page.viewportSize();
  for (const [label, size] of [
    ['phone', { width: 390, height: 844 }],
    ['desktop', { width: 1280, height: 900 }],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${label}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

/** The path of the first link to `prefix` in the newest matching e-mail. */
export async function mailLink(
  harness: Harness,
  match: (subject: string, to: string[]) => boolean,
  prefix: string,
): Promise<string> {
  await harness.deliverMail();
  const mail = await harness.sink.waitFor((m) => match(m.subject, m.to));
  const found = new RegExp(`https?://[^\\s"<>]*${prefix.replace(/\//g, '\\/')}[^\\s"<>]*`).exec(mail.text);
  if (!found) throw new Error(`No ${prefix} link in "${mail.subject}"`);
  const url = new URL(found[0]);
  return url.pathname + url.search;
}
