// Functions' stdout/stderr, labeled: every line a sandbox writes reaches the terminal whole, as
// `[notify-agents 3f2a…] {"level":"INFO",…}`. The worker (lambda-host.mjs) starts each line written
// during an invocation with the request id; here the function's name is added and lines are
// written one whole line at a time, so sandboxes running side by side never interleave mid-line.
import type { Readable } from 'node:stream';

/** A request id at the start of a worker's line, as lambda-host.mjs writes it (`<uuid> <text>`). */
const REQUEST_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) /;

/** `[label requestId] text` for a line of an invocation, `[label] text` for one written outside (init). */
export function labelLine(label: string, line: string): string {
  const m = REQUEST_ID.exec(line);
  return m ? `[${label} ${m[1]}] ${line.slice(m[0].length)}` : `[${label}] ${line}`;
}

/**
 * Splits a stream into lines and hands each complete one, labeled and with its newline, to `write`.
 * A partial line waits for its end (or for the stream's end, when it gets a newline of its own).
 */
export function pipeLines(stream: Readable, label: string, write: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      write(`${labelLine(label, pending.slice(0, nl))}\n`);
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (pending !== '') write(`${labelLine(label, pending)}\n`);
    pending = '';
  });
}

export interface LogSink {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** The main process's own streams. */
export const processSink: LogSink = {
  stdout: (line) => void process.stdout.write(line),
  stderr: (line) => void process.stderr.write(line),
};

/** Everything to stderr: for tools whose stdout is their result (the benchmark prints one JSON object). */
export const stderrSink: LogSink = {
  stdout: (line) => void process.stderr.write(line),
  stderr: (line) => void process.stderr.write(line),
};
