import { spawnSync } from 'node:child_process';

/**
 * The rules of `promtool check metrics` that matter here, checked in-process: every family has
 * HELP and TYPE, counters end in _total and nothing else does, and names are snake_case.
 */
export function lintExposition(text: string): string[] {
  const problems: string[] = [];
  const types = new Map<string, string>();
  const helps = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) types.set(type[1], type[2]);
    const help = /^# HELP (\S+) (.*)/.exec(line);
    if (help && help[2].trim()) helps.add(help[1]);
  }
  for (const [name, type] of types) {
    if (!helps.has(name)) problems.push(`${name}: no HELP`);
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) problems.push(`${name}: not snake_case`);
    if (type === 'counter' && !name.endsWith('_total')) problems.push(`${name}: counter without _total`);
    if (type !== 'counter' && name.endsWith('_total')) problems.push(`${name}: non-counter with _total`);
  }
  return problems;
}

/** `promtool check metrics` when promtool is installed (CI installs it); null when it is not. */
export function promtoolCheck(text: string): string | null {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error) return null;
  return `${run.stdout}${run.stderr}`.trim();
}
