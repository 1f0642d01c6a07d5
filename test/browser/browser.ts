// Debian's chromium driven by playwright-core (no browser download is possible here): found by path,
// launched headless with a fresh profile. Missing, it is an error that says how to install it — the
// browser tests never skip.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Quiet, offline-friendly: no first-run UI, no background updates or sync, no QUIC. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium: apt-get install -y chromium (or set CHROMIUM_PATH to a Chromium binary)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'ringdesk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, viewport: LAPTOP });
  return {
    context,
    async newPage(viewport = LAPTOP) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Logs in on the login page as a person does: email, password, "Log in". */
export async function logInWith(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

/** A local demo login: its hint fills the form, then "Log in". */
export async function logInAsDemo(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: `Fill in the login of ${name}` }).click();
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}
