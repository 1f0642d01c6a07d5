// Click-to-call registry: the originate port of each provider that can place calls (T7).
import { mangoOriginator } from './mango-originate.ts';
import type { CallOriginator } from './originate.ts';
import { twilioOriginator } from './twilio-originate.ts';
import { zadarmaOriginator } from './zadarma-originate.ts';

export const originators: Record<string, CallOriginator> = {
  [mangoOriginator.provider]: mangoOriginator,
  [zadarmaOriginator.provider]: zadarmaOriginator,
  [twilioOriginator.provider]: twilioOriginator,
};
