/**
 * `npm run bench:data -- --records 1000000 [--seed 1] [--out bench/out/registry-1000000.xml]`:
 * writes a deterministic synthetic registry in the USPTO case-file XML format (the same seed and
 * count give the same bytes), to be loaded with `npm run cli -- registry:import <file>`.
 * Marks mix the shapes of a real register: single dictionary words, two-word marks, coined
 * words, company-style names; classes, statuses, dates and owners are drawn to match.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { OUT_DIR, ROOT, log, prng } from './lib';

const WORDS = (
  'acorn amber anchor apex arrow aspen atlas aurora autumn beacon bear birch blaze bloom blue bolt bramble breeze bridge bright ' +
  'brook cactus canyon cardinal cedar charm cherry cinder citrus clover cobalt comet copper coral cosmos crane crest crimson crown ' +
  'crystal cypress dawn delta desert diamond dolphin dove dragon dream eagle echo eclipse ember emerald falcon fern fire flint ' +
  'forest fox frost galaxy garden giant glacier globe gold granite green grove harbor harvest hawk heart heron horizon hunter ' +
  'iris iron island ivory jade jasmine jet jewel juniper kestrel king lagoon lantern lark laurel legend lemon lighthouse lily ' +
  'lion lotus lunar maple marble meadow mercury mesa midnight mint mist monarch moon mountain nectar noble north nova oak oasis ' +
  'ocean olive onyx orbit orchid otter owl palm panda panther pearl pebble phoenix pine pioneer planet polar poppy prairie prism ' +
  'quartz quest quick rain raven red reef ridge river robin rocket rose ruby sage sapphire saturn scarlet sequoia shadow shore ' +
  'sierra silver sky spark sparrow spring spruce star stone storm summit sun swan swift thunder tide tiger timber topaz tulip ' +
  'valley velvet venture vista violet wave willow wind winter wolf zen zephyr'
).split(' ');
const DESCRIPTIVE = 'bakery brew coffee cycles design foods fitness health home kitchen labs logic media motors outdoor pets play software sports studio tech travel wear works'.split(' ');
const COMPANY = ['INC.', 'LLC', 'CORP.', 'CO.', 'LTD.', 'GROUP', 'HOLDINGS', 'GMBH', 'S.A.'];
const ONSETS = ['b', 'br', 'c', 'ch', 'cl', 'd', 'dr', 'f', 'fl', 'g', 'gr', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'pr', 'qu', 'r', 's', 'st', 't', 'tr', 'v', 'z'];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'oo', 'y'];
const CODAS = ['', '', 'n', 'r', 'x', 'l', 'k', 's', 'ta', 'va', 'lo', 'ix'];
/** Status codes with rough register weights: pending, registered and renewed (live), abandoned, cancelled, expired. */
const STATUSES: Array<[string, number]> = [['630', 8], ['641', 6], ['680', 4], ['686', 5], ['688', 6], ['700', 25], ['800', 15], ['602', 10], ['606', 8], ['710', 4], ['712', 3], ['900', 6]];


function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function termsByClass(): Map<number, string[]> {
  const terms = new Map<number, string[]>();
  for (const line of readFileSync(join(ROOT, 'data/nice/terms.tsv'), 'utf8').split('\n').slice(1)) {
    const [cls, , kind, term] = line.split('\t');
    if (kind !== 'indication' || !term) continue;
    const list = terms.get(Number(cls)) ?? [];
    list.push(term);
    terms.set(Number(cls), list);
  }
  return terms;
}

function date(rand: () => number, fromYear: number, toYear: number): string {
  const y = fromYear + Math.floor(rand() * (toYear - fromYear + 1));
  const m = 1 + Math.floor(rand() * 12);
  const d = 1 + Math.floor(rand() * 28);
  return `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
}

async function main(): Promise<void> {
  const records = Number(argument('records', '1000000'));
  const seed = Number(argument('seed', '1'));
  if (!Number.isInteger(records) || records < 1 || records > 9_000_000) throw new Error('--records takes 1 to 9000000');
  const out = resolve(argument('out', join(OUT_DIR, `registry-${records}.xml`)));
  mkdirSync(dirname(out), { recursive: true });
  const rand = prng(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
  const coined = (): string => Array.from({ length: 2 + Math.floor(rand() * 2) }, () => pick(ONSETS) + pick(NUCLEI)).join('') + pick(CODAS);
  const statusTotal = STATUSES.reduce((sum, [, w]) => sum + w, 0);
  const status = (): string => {
    let r = rand() * statusTotal;
    for (const [code, weight] of STATUSES) if ((r -= weight) < 0) return code;
    return '700';
  };
  const terms = termsByClass();
  const file = createWriteStream(out);
  const write = async (text: string): Promise<void> => {
    if (!file.write(text)) await once(file, 'drain');
  };
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<trademark-applications-daily>\n<version><version-no>2.0</version-no></version>\n');
  await write('<application-information><file-segments><file-segment>TMRD</file-segment><action-keys><action-key>00</action-key>\n');
  for (let i = 0; i < records; i++) {
    const shape = rand();
    const word = (): string => pick(WORDS);
    const mark =
      shape < 0.3 ? word() : shape < 0.55 ? `${word()} ${word()}` : shape < 0.75 ? coined() : shape < 0.9 ? `${coined()} ${pick(DESCRIPTIVE)}` : `${word()} ${pick(DESCRIPTIVE)} ${pick(COMPANY)}`;
    const classes = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => 1 + Math.floor(rand() * 45)))].sort((a, b) => a - b);
    const code = status();
    const filed = date(rand, 1990, 2024);
    const registered = ['700', '800', '710', '712', '900'].includes(code);
    const owner = `${pick(WORDS)} ${pick(DESCRIPTIVE)} ${pick(COMPANY)}`.toUpperCase();
    const statements = classes
      .map((c) => `<case-file-statement><type-code>GS${String(c).padStart(3, '0')}0</type-code><text>${escapeXml(pick(terms.get(c) ?? ['goods']))}</text></case-file-statement>`)
      .join('');
    const classifications = classes.map((c) => `<classification><international-code>${String(c).padStart(3, '0')}</international-code><us-code>100</us-code></classification>`).join('');
    await write(
      `<case-file><serial-number>${80_000_000 + i}</serial-number><registration-number>${registered ? String(1_000_000 + i).padStart(7, '0') : '0000000'}</registration-number>` +
        `<case-file-header><filing-date>${filed}</filing-date>${registered ? `<registration-date>${date(rand, Number(filed.slice(0, 4)), 2025)}</registration-date>` : ''}` +
        `<status-code>${code}</status-code><status-date>${date(rand, 2020, 2025)}</status-date><mark-identification>${escapeXml(mark.toUpperCase())}</mark-identification></case-file-header>` +
        `<case-file-statements>${statements}</case-file-statements><classifications>${classifications}</classifications>` +
        `<case-file-owners><case-file-owner><entry-number>1</entry-number><party-type>${registered ? 30 : 10}</party-type><party-name>${escapeXml(owner)}</party-name></case-file-owner></case-file-owners></case-file>\n`,
    );
    if ((i + 1) % 100_000 === 0) log(`${i + 1} records`);
  }
  await write('</action-keys></file-segments></application-information>\n</trademark-applications-daily>\n');
  file.end();
  await once(file, 'finish');
  log(`wrote ${records} case-files to ${out}; load them with: npm run cli -- registry:import ${out}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
