/** A stand-in's state in a JSON file (`--persist`): read once at start, rewritten after each change. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The file's content over `empty` (so fields added later get their defaults), or `empty` when there is no file. */
export async function loadJsonState<T extends object>(file: string, empty: T): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return empty;
    throw err;
  }
  return { ...empty, ...(JSON.parse(text) as Partial<T>) };
}

/** Serialises writes (each one complete, then renamed into place) so a crash never leaves half a file. */
export class JsonStateWriter {
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly log: (line: string) => void,
  ) {}

  save(state: unknown): void {
    const text = JSON.stringify(state);
    this.pending = this.pending.then(async () => {
      try {
        await mkdir(path.dirname(this.file), { recursive: true });
        await writeFile(`${this.file}.tmp`, text, { mode: 0o600 });
        await rename(`${this.file}.tmp`, this.file);
      } catch (err) {
        this.log(`could not save ${this.file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }

  /** Resolves when every save so far is on disk. */
  flushed(): Promise<void> {
    return this.pending;
  }
}
