// Lookup tables indexed by what a provider or a person sent. A plain object answers `constructor`,
// `toString` or `__proto__` from its prototype (a function, not a reason), which made a delivery throw
// on every retry; only the table's own keys count.

/** `table[key]` for the table's own keys only; any other key, prototype-named ones included, finds nothing. */
export function own<T>(table: Readonly<Record<string, T>>, key: string | null | undefined): T | undefined {
  return key != null && Object.hasOwn(table, key) ? table[key] : undefined;
}
