/**
 * EventBridge schedule expressions: `rate(...)` and `cron(...)` (6 fields, UTC), with a minimal
 * timer-based scheduler. Unsupported cron features (L, W, #) are rejected with a clear message.
 */

export interface Schedule {
  /** Next fire time strictly after `after`; undefined when there is none. */
  next(after: Date): Date | undefined;
}

const RATE_UNITS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** Parses a schedule expression; throws an Error explaining what is wrong. */
export function parseSchedule(expression: string, createdAt: Date = new Date()): Schedule {
  const rate = /^rate\(\s*(\d+)\s+([a-z]+)\s*\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = RATE_UNITS[rate[2] as string];
    if (!unit || n < 1) throw new Error(`invalid rate expression "${expression}" (use rate(n minute|minutes|hour|hours|day|days), n >= 1)`);
    const period = n * unit;
    const start = createdAt.getTime();
    return { next: (after) => new Date(start + (Math.floor((after.getTime() - start) / period) + 1) * period) };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (cron) return parseCron(cron[1] as string, expression);
  throw new Error(`invalid schedule expression "${expression}" (expected rate(...) or cron(...))`);
}

interface Field {
  min: number;
  max: number;
  names?: string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS: Field[] = [
  { min: 0, max: 59 }, // minutes
  { min: 0, max: 23 }, // hours
  { min: 1, max: 31 }, // day of month
  { min: 1, max: 12, names: MONTHS },
  { min: 1, max: 7, names: DAYS }, // 1 = SUN
  { min: 1970, max: 2199 }, // year
];

/** `undefined` = any (`*` or `?`). */
type FieldSet = Set<number> | undefined;

function parseField(text: string, field: Field, expression: string): FieldSet {
  if (text === '*' || text === '?') return undefined;
  if (/[LW#]/.test(text)) throw new Error(`cron expression "${expression}": L, W and # are not supported by the local scheduler`);
  const value = (token: string): number => {
    const named = field.names?.indexOf(token.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + field.min : /^\d+$/.test(token) ? Number(token) : NaN;
    if (!(n >= field.min && n <= field.max)) throw new Error(`cron expression "${expression}": "${token}" is out of range ${field.min}-${field.max}`);
    return n;
  };
  const set = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron expression "${expression}": bad step in "${part}"`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [field.min, field.max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [lo, hi] = [value(a), value(b)];
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : field.max;
    }
    if (lo > hi) throw new Error(`cron expression "${expression}": empty range "${range}"`);
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  return set;
}

function parseCron(body: string, expression: string): Schedule {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) throw new Error(`cron expression "${expression}" must have 6 fields: minutes hours day-of-month month day-of-week year`);
  const [min, hour, dom, month, dow, year] = parts.map((p, i) => parseField(p, FIELDS[i] as Field, expression));
  if (parts[2] !== '?' && parts[4] !== '?') throw new Error(`cron expression "${expression}": one of day-of-month or day-of-week must be "?"`);
  const has = (set: FieldSet, v: number): boolean => set === undefined || set.has(v);
  return {
    next(after) {
      const t = new Date(after.getTime());
      t.setUTCSeconds(0, 0);
      t.setUTCMinutes(t.getUTCMinutes() + 1);
      const limit = after.getTime() + 5 * 366 * 86_400_000;
      while (t.getTime() <= limit) {
        if (!has(year, t.getUTCFullYear())) {
          t.setUTCFullYear(t.getUTCFullYear() + 1, 0, 1);
          t.setUTCHours(0, 0);
        } else if (!has(month, t.getUTCMonth() + 1)) {
          t.setUTCMonth(t.getUTCMonth() + 1, 1);
          t.setUTCHours(0, 0);
        } else if (!has(dom, t.getUTCDate()) || !has(dow, t.getUTCDay() + 1)) {
          t.setUTCDate(t.getUTCDate() + 1);
          t.setUTCHours(0, 0);
        } else if (!has(hour, t.getUTCHours())) {
          t.setUTCHours(t.getUTCHours() + 1, 0);
        } else if (!has(min, t.getUTCMinutes())) {
          t.setUTCMinutes(t.getUTCMinutes() + 1);
        } else {
          return t;
        }
      }
      return undefined;
    },
  };
}

const MAX_TIMEOUT = 2_147_483_647;

/** Calls `fire` at every occurrence of `schedule` until the returned stop function is called. */
export function startTimer(schedule: Schedule, fire: (at: Date) => void, now: () => Date = () => new Date()): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = (from: Date): void => {
    const due = schedule.next(from);
    if (!due || stopped) return;
    const wait = (): void => {
      const remaining = due.getTime() - now().getTime();
      if (remaining > 0) {
        timer = setTimeout(wait, Math.min(remaining, MAX_TIMEOUT));
        timer.unref();
        return;
      }
      fire(due);
      arm(due);
    };
    wait();
  };
  arm(now());
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
