// Pop-up time in the browser: webhook sent → the pop-up painted in the agent console (Debian's
// chromium, headless), next to the WebSocket frame time of the same calls (a Node client of the same
// agent receives the same incoming_call). Calls one at a time, so each figure is one call's path.
import { performance } from 'node:perf_hooks';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { LocalInfo } from '../local/start.ts';
import { launchBrowser, logInAsDemo } from '../test/browser/browser.ts';

/** In the page: the wall-clock time of the first frame that shows each new pop-up, by its number. */
const WATCH_POPUPS = `(() => {
  window.__popupSeen = {};
  new MutationObserver((records) => {
    for (const r of records) for (const node of r.addedNodes) {
      if (!(node instanceof HTMLElement)) continue;
      for (const el of node.matches('.popup') ? [node] : node.querySelectorAll('.popup')) {
        const number = el.querySelector('.popup-number')?.textContent;
        if (number && !(number in window.__popupSeen)) requestAnimationFrame(() => { window.__popupSeen[number] = performance.timeOrigin + performance.now(); });
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
})()`;

export interface BrowserPopupOptions {
  calls: number;
  line: string;
  /** Resolves the Node agent socket's frame time (performance.now()) for a call id. */
  frameWaiters: Map<string, (t: number) => void>;
  post(body: Record<string, unknown>): Promise<Response>;
}

export async function benchBrowserPopups(info: LocalInfo, opts: BrowserPopupOptions): Promise<{ browserMs: number[]; frameMs: number[] }> {
  if (!info.consoleUrl) throw new Error('the console is not served (start the tenant with console)');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(info.consoleUrl);
    await logInAsDemo(page, 'Anna Smirnova');
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await page.evaluate(WATCH_POPUPS);
    const browserMs: number[] = [];
    const frameMs: number[] = [];
    const run = Date.now();
    for (let i = 0; i < opts.calls + 10; i++) {
      const providerCallId = `browser-${run}-${i}`;
      const number = `+7917${String(1000000 + i)}`;
      const id = callIdFor('zammad', providerCallId);
      const frame = new Promise<number>((resolve) => opts.frameWaiters.set(id, resolve));
      const sentAt = performance.timeOrigin + performance.now();
      const t0 = performance.now();
      const res = await opts.post({ event: 'newCall', direction: 'in', from: number, to: opts.line, callId: providerCallId, user: ['Anna Smirnova'] });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      const frameAt = await frame;
      opts.frameWaiters.delete(id);
      const shownAt = (await (await page.waitForFunction(`window.__popupSeen[${JSON.stringify(number)}]`)).jsonValue()) as number;
      // The first ten warm the page and the functions up.
      if (i >= 10) {
        frameMs.push(frameAt - t0);
        browserMs.push(shownAt - sentAt);
      }
      await opts.post({ event: 'hangup', direction: 'in', from: number, to: opts.line, callId: providerCallId, cause: 'cancel' });
    }
    return { browserMs, frameMs };
  } finally {
    await browser.close();
  }
}
