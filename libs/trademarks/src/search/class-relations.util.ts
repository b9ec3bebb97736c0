/**
 * Nice classes examiners commonly treat as related (a likelihood of confusion across classes is
 * argued on them). A small, documented map rather than a learned one:
 * - goods (classes 1-34) and the retail/wholesale services selling them (35);
 * - software and computer goods (9) with software services (42) and telecoms (38);
 * - foods and drinks (29-33) with each other and with restaurants and bars (43);
 * - beer (32) and wine/spirits (33);
 * - cosmetics (3) and pharmaceuticals (5) with beauty and medical services (44);
 * - clothing (25) with leather goods (18), jewellery (14) and footwear-adjacent textiles (24);
 * - printed matter (16), games (28) and media (9) with education and entertainment (41);
 * - vehicles (12) with repair (37) and transport (39);
 * - building materials (6, 19) with construction (37); furniture (20) with textiles (24).
 */
/** The related pairs, grouped by why examiners relate them (the reason a recommendation gives). */
const RELATED_GROUPS: ReadonlyArray<{ reason: string; pairs: ReadonlyArray<[number, number]> }> = [
  { reason: 'software and computer goods are commonly sold with software and telecommunication services', pairs: [[9, 42], [9, 38], [38, 42]] },
  { reason: 'foods and drinks are commonly sold together and served by restaurants and bars', pairs: [[29, 30], [29, 31], [30, 31], [30, 32], [29, 43], [30, 43], [31, 43], [32, 43], [33, 43]] },
  { reason: 'beer and wines or spirits come from the same trade', pairs: [[32, 33]] },
  { reason: 'cosmetics and pharmaceuticals go with beauty and medical services', pairs: [[3, 44], [5, 44], [3, 5]] },
  { reason: 'clothing is sold beside leather goods, jewellery and textiles', pairs: [[25, 18], [25, 14], [25, 24], [14, 18]] },
  { reason: 'printed matter, games and media go with education and entertainment services', pairs: [[16, 41], [28, 41], [9, 41]] },
  { reason: 'vehicles go with their repair and with transport services', pairs: [[12, 37], [12, 39]] },
  { reason: 'building materials go with construction services', pairs: [[6, 37], [19, 37]] },
  { reason: 'furniture is sold beside household textiles', pairs: [[20, 24]] },
];

const RELATED = new Set<string>();
const REASONS = new Map<string, string>();
for (const { reason, pairs } of RELATED_GROUPS) {
  for (const [a, b] of pairs) {
    RELATED.add(`${a}:${b}`);
    RELATED.add(`${b}:${a}`);
    REASONS.set(`${a}:${b}`, reason);
    REASONS.set(`${b}:${a}`, reason);
  }
}
// Any goods class and the retail services for them.
const RETAIL_REASON = 'retail and wholesale services (class 35) sell goods of every goods class';
for (let goods = 1; goods <= 34; goods++) {
  RELATED.add(`${goods}:35`);
  RELATED.add(`35:${goods}`);
  REASONS.set(`${goods}:35`, RETAIL_REASON);
  REASONS.set(`35:${goods}`, RETAIL_REASON);
}

export type ClassRelation = 'same' | 'related' | 'unrelated' | 'unknown';

/** How the classes of a record relate to the searched ones ('unknown' when either side has none). */
export function classRelation(queryClasses: readonly number[], recordClasses: readonly number[]): { relation: ClassRelation; classes: number[] } {
  if (queryClasses.length === 0 || recordClasses.length === 0) return { relation: 'unknown', classes: [] };
  const same = recordClasses.filter((c) => queryClasses.includes(c));
  if (same.length > 0) return { relation: 'same', classes: same };
  const related = recordClasses.filter((c) => queryClasses.some((q) => RELATED.has(`${q}:${c}`)));
  if (related.length > 0) return { relation: 'related', classes: related };
  return { relation: 'unrelated', classes: [] };
}

/**
 * The classes related to the searched ones that are not searched themselves, each with the reason
 * examiners relate them, in class order. Retail services (35) come last: every goods class has it.
 */
export function relatedClasses(queryClasses: readonly number[]): Array<{ class: number; relatedTo: number[]; reason: string }> {
  const out = new Map<number, { class: number; relatedTo: number[]; reason: string }>();
  for (let c = 1; c <= 45; c++) {
    if (queryClasses.includes(c)) continue;
    for (const q of queryClasses) {
      const reason = REASONS.get(`${q}:${c}`);
      if (!reason) continue;
      const entry = out.get(c) ?? { class: c, relatedTo: [], reason };
      entry.relatedTo.push(q);
      out.set(c, entry);
    }
  }
  return [...out.values()].sort((a, b) => (a.class === 35 ? 1 : 0) - (b.class === 35 ? 1 : 0) || a.class - b.class);
}
