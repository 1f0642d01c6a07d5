// The console reads its stack's settings at start: the same build serves any tenant and any stage.
import type { ConsoleConfig } from '#shared/console-config.ts';

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`/config.json answered ${res.status}`);
  const config = (await res.json()) as ConsoleConfig;
  if (typeof config.apiUrl !== 'string' || typeof config.wsUrl !== 'string' || !config.auth) throw new Error('/config.json lacks apiUrl, wsUrl or auth');
  return config;
}
