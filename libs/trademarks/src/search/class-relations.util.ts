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
const RELATED_PAIRS: ReadonlyArray<[number, number]> = [
  [9, 42],
  [9, 38],
  [38, 42],
  [29, 30],
  [29, 31],
  [30, 31],
  [30, 32],
  [32, 33],
  [29, 43],
  [30, 43],
  [31, 43],
  [32, 43],
  [33, 43],
  [3, 44],
  [5, 44],
  [3, 5],
  [25, 18],
  [25, 14],
  [25, 24],
  [14, 18],
  [16, 41],
  [28, 41],
  [9, 41],
  [12, 37],
  [12, 39],
  [6, 37],
  [19, 37],
  [20, 24],
];

const RELATED = new Set<string>();
for (const [a, b] of RELATED_PAIRS) {
  RELATED.add(`${a}:${b}`);
  RELATED.add(`${b}:${a}`);
}
// Any goods class and the retail services for them.
for (let goods = 1; goods <= 34; goods++) {
  RELATED.add(`${goods}:35`);
  RELATED.add(`35:${goods}`);
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
