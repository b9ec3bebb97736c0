/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) as Markdown: where the main thread of a
 * process spent its time, by package and by function, optionally only within given windows of
 * time (e.g. the measured runs of one endpoint).
 *
 * Times: a .cpuprofile's timestamps are microseconds of the monotonic clock (CLOCK_MONOTONIC on
 * Linux), the clock of `process.hrtime` too, so windows taken in another process of the same
 * machine with `process.hrtime.bigint() / 1000n` line up with them.
 *
 * Only the JavaScript thread is sampled: work on libuv's thread pool (bcrypt) does not appear.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** [start, end] in microseconds of the monotonic clock. */
export type Window = [number, number];

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Which package or part of the process a frame belongs to. */
function category(frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName)) return frame.functionName;
  const url = frame.url;
  if (url === '') return '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'Node.js core';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? 'unknown package');
  }
  const dist = /\/dist\/((?:libs|apps)\/[^/]+)\//.exec(url);
  if (dist) return `app: ${dist[1]}`;
  return 'other';
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function frameKey(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (SPECIAL.has(name) || frame.url === '') return name;
  return `${name} (${shortUrl(frame.url)}:${frame.lineNumber + 1})`;
}

const ms = (us: number) => (us / 1000).toFixed(0);
const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '–');

function top(map: Map<string, number>, n: number): Array<[string, number]> {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

export interface ProfileSummary {
  /** Sampled time in the windows, µs. */
  totalUs: number;
  /** Of which not idle, µs. */
  busyUs: number;
  markdown: string;
}

/**
 * Self time by category and by function, and "on the stack" time by category and by app
 * function (a sample counts once for each package or function anywhere on its stack).
 */
export function summariseProfile(file: string, windows: Window[] | null, title: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfByCategory = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const stackByCategory = new Map<string, number>();
  const stackByAppFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

  let totalUs = 0;
  let idleUs = 0;
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i] ?? 0;
    if (windows && !windows.some(([start, end]) => time >= start && time <= end)) continue;
    // A sample stands for the time until the next one.
    const weight = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(profile.samples[i] as number);
    if (!leaf) continue;
    totalUs += weight;
    if (leaf.callFrame.functionName === '(idle)') {
      idleUs += weight;
      continue;
    }
    add(selfByCategory, category(leaf.callFrame), weight);
    add(selfByFunction, frameKey(leaf.callFrame), weight);
    const seenCategories = new Set<string>();
    const seenFunctions = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const frame = (byId.get(id) as ProfileNode).callFrame;
      const cat = category(frame);
      if (!SPECIAL.has(cat)) seenCategories.add(cat);
      if (cat.startsWith('app: ')) seenFunctions.add(frameKey(frame));
    }
    for (const cat of seenCategories) add(stackByCategory, cat, weight);
    for (const fn of seenFunctions) add(stackByAppFunction, fn, weight);
  }
  const busyUs = totalUs - idleUs;

  const lines: string[] = [];
  lines.push(`#### ${title}`);
  lines.push('');
  lines.push(
    `Sampled ${ms(totalUs)} ms of the API's main thread${windows ? ` in ${windows.length} window(s)` : ''}: busy ${ms(busyUs)} ms (${pct(busyUs, totalUs)}), idle ${ms(idleUs)} ms. ` +
      'Percentages below are of the busy time.',
  );
  lines.push('');
  lines.push('Self time by package (the frame on top of the stack):');
  lines.push('');
  lines.push('| Package | self ms | share |');
  lines.push('|---|---:|---:|');
  for (const [key, us] of top(selfByCategory, 15)) lines.push(`| ${key} | ${ms(us)} | ${pct(us, busyUs)} |`);
  lines.push('');
  lines.push('Time with the package anywhere on the stack (includes what it calls; async continuations count only from where they resume):');
  lines.push('');
  lines.push('| Package | on-stack ms | share |');
  lines.push('|---|---:|---:|');
  for (const [key, us] of top(stackByCategory, 15)) lines.push(`| ${key} | ${ms(us)} | ${pct(us, busyUs)} |`);
  lines.push('');
  lines.push('Application functions (dist/libs, dist/apps) by on-stack time:');
  lines.push('');
  lines.push('| Function (compiled file:line) | on-stack ms | share |');
  lines.push('|---|---:|---:|');
  for (const [key, us] of top(stackByAppFunction, 15)) lines.push(`| \`${key}\` | ${ms(us)} | ${pct(us, busyUs)} |`);
  lines.push('');
  lines.push('Top functions by self time:');
  lines.push('');
  lines.push('| Function (file:line) | self ms | share |');
  lines.push('|---|---:|---:|');
  for (const [key, us] of top(selfByFunction, 25)) lines.push(`| \`${key}\` | ${ms(us)} | ${pct(us, busyUs)} |`);
  lines.push('');
  return { totalUs, busyUs, markdown: lines.join('\n') };
}

/** The sampled span of a profile, µs of the monotonic clock (to check that windows line up). */
export function profileSpan(file: string): Window {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  return [profile.startTime, profile.endTime];
}
