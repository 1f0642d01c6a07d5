// URLs that reach a browser or carry our signed requests: web schemes only, https out.
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#shared/domain/call.ts';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import { isOutboundUrl, isWebUrl } from '#shared/domain/urls.ts';
import { ruleBodySchema } from '#shared/domain/rules.ts';
import { ringdeskWebhookSchema } from '#shared/providers/ringdesk.ts';

const hostile = ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'vbscript:x', '//evil.example/x', 'not a url', ''];

describe('URLs', () => {
  it('R2: recording links and outbound URLs refuse javascript:, data:, file: and relative URLs', () => {
    for (const u of hostile) {
      expect(isWebUrl(u), u).toBe(false);
      expect(isOutboundUrl(u), u).toBe(false);
    }
    expect(isWebUrl('https://cdn.example/rec.mp3')).toBe(true);
    expect(isWebUrl('http://pbx.example/rec.mp3')).toBe(true);
  });

  it('R2: outbound webhooks are https; plain http only to this machine', () => {
    expect(isOutboundUrl('https://hooks.example/x')).toBe(true);
    expect(isOutboundUrl('http://hooks.example/x')).toBe(false);
    expect(isOutboundUrl('http://127.0.0.1:8080/x')).toBe(true);
    expect(isOutboundUrl('http://localhost/x')).toBe(true);
    expect(isOutboundUrl('http://127.0.0.1.evil.example/x')).toBe(false);
    const rule = (url: string) => ruleBodySchema.safeParse({ name: 'hook', event: 'call_ended', actions: [{ type: 'webhook', url }] }).success;
    expect(rule('https://hooks.example/x')).toBe(true);
    expect(rule('http://hooks.example/x')).toBe(false);
    expect(rule('javascript:alert(1)')).toBe(false);
  });

  it('I1: a recording link that is not a web URL is refused by the ringdesk webhook and never reaches the call', () => {
    const event = (url: string) => ({ callId: 'c1', event: 'recording_available', recording: { url } });
    expect(ringdeskWebhookSchema.safeParse(event('javascript:alert(1)')).success).toBe(false);
    expect(ringdeskWebhookSchema.safeParse(event('https://rec.example/1.mp3')).success).toBe(true);
    // Other providers' links (Twilio's RecordingUrl) pass through the reducer, which keeps only web URLs.
    const base = { provider: 'test', providerCallId: 'c1', occurredAtSource: 'receipt', direction: 'inbound', from: '+79161234567', to: '+74951234567' } as const;
    const ev = (key: string, type: CanonicalEvent['type'], s: number, extra: Partial<CanonicalEvent> = {}): CanonicalEvent => ({ ...base, key, type, providerEventType: type, occurredAt: new Date(Date.UTC(2025, 2, 1, 10, 0, s)).toISOString(), ...extra });
    const ctx = { tenantId: 'demo', country: 'RU', matchEmployee: () => null };
    const call = (url: string) => reduceCall([ev('a', 'created', 0), ev('b', 'ended', 30), ev('c', 'recording_available', 40, { recording: { url } })], ctx as never, 'c1');
    expect(call('javascript:alert(1)').recordingUrl).toBeNull();
    expect(call('https://rec.example/1.mp3').recordingUrl).toBe('https://rec.example/1.mp3');
  });
});
