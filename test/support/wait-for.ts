/**
 * Waiting for a condition instead of sleeping a fixed time: a spec that sleeps and then asserts
 * passes only when the machine is as fast as the author's. `waitFor` polls `probe` until its value
 * satisfies `until` (by default: is truthy) and resolves with that value; at the deadline it
 * throws, naming what it waited for and the last value or error it saw, so a failure says why.
 *
 * A probe that throws counts as "not yet" (a server still starting, a row not yet written); its
 * last error is reported at the deadline.
 */
export interface WaitForOptions<T> {
  /** Give up after this long (ms). Generous by default: on a loaded machine things are slow, not wrong. */
  deadlineMs?: number;
  /** Pause between probes (ms). */
  intervalMs?: number;
  /** What is awaited, for the error message. */
  what?: string;
  /** When the probe's value is the one awaited; defaults to truthiness. */
  until?: (value: T) => boolean;
}

export const DEFAULT_DEADLINE_MS = 60_000;

export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitForOptions<T> = {}): Promise<T> {
  const { deadlineMs = DEFAULT_DEADLINE_MS, intervalMs = 50, what = 'the condition', until = (v: T) => Boolean(v) } = options;
  const deadline = Date.now() + deadlineMs;
  let last: { value?: T; error?: unknown } = {};
  for (;;) {
    try {
      const value = await probe();
      if (until(value)) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) break;
    await pause(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  const seen = 'error' in last ? `last error: ${String((last.error as Error)?.message ?? last.error)}` : `last value: ${describe(last.value)}`;
  throw new Error(`waited ${deadlineMs} ms for ${what}; ${seen}`);
}

/** GETs `url` until it answers `status`; resolves with that response's parsed JSON body (or undefined). */
export async function waitForStatus(
  url: string,
  status: number,
  options: Omit<WaitForOptions<unknown>, 'until'> & { headers?: Record<string, string> } = {},
): Promise<unknown> {
  const answer = await waitFor(
    async () => {
      const res = await fetch(url, { headers: options.headers });
      const text = await res.text();
      return { status: res.status, text };
    },
    { what: `GET ${url} to answer ${status}`, ...options, until: (a) => a.status === status },
  );
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    return undefined;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 500 ? `${text.slice(0, 500)}…` : text;
  } catch {
    return String(value);
  }
}
