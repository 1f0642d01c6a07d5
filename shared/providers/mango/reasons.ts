// Mango `disconnect_reason` codes (docs/providers/mango.md, "Disconnect reasons") → canonical end
// reasons. Unknown codes are read by class: the longest known prefix wins (2219 → `221`/`22`/`2`).
import { own } from '../../domain/lookup.ts';
const CODES: Record<string, string> = {
  '1000': 'unknown', // success
  '1100': 'unknown', // normal end: says nothing about who hung up
  '1110': 'caller_hangup',
  '1111': 'no_answer_timeout',
  '1120': 'callee_hangup',
  '1121': 'busy',
  '1122': 'rejected',
  '1123': 'dnd',
  '1124': 'dnd',
  '1125': 'unknown',
  '113': 'unavailable',
  '1130': 'forbidden',
  '1133': 'invalid_number',
  '1134': 'routing_end',
  '1135': 'forbidden',
  '1140': 'forbidden',
  '115': 'rejected', // caller restricted / black list / not on the white list
  '116': 'unavailable',
  '1161': 'system_error',
  '1162': 'congestion',
  '1163': 'no_answer_timeout',
  '117': 'routing_end',
  '1171': 'system_error',
  '118': 'unknown', // ended by command / intercepted by another operator
  '1183': 'transferred',
  '119': 'unavailable',
  '1193': 'busy',
  '13': 'unknown', // outbound dialer: answering machine variants
  '2': 'billing',
  '3': 'invalid_number',
  '4': 'unavailable',
  '5': 'system_error',
  '5001': 'congestion',
};

export function endReasonOf(code: string | undefined): string {
  if (!code || !/^\d+$/.test(code)) return 'unknown';
  for (let n = code.length; n > 0; n--) {
    const hit = own(CODES, code.slice(0, n));
    if (hit && (n === code.length || n < 4)) return hit;
  }
  return 'unknown';
}
