import { COPYRIGHT_ACTIONS, COPYRIGHT_STATUSES, isEditable, nextStatus, type CopyrightAction, type CopyrightStatus } from './copyright-lifecycle';

const ALLOWED: Array<[CopyrightStatus, CopyrightAction, CopyrightStatus]> = [
  ['draft', 'submit', 'submitted'],
  ['submitted', 'withdraw', 'withdrawn'],
  ['withdrawn', 'redraft', 'draft'],
  ['submitted', 'register', 'registered'],
  ['submitted', 'reject', 'rejected'],
];

describe('copyright lifecycle', () => {
  it.each(ALLOWED)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  const refused = COPYRIGHT_STATUSES.flatMap((from) =>
    COPYRIGHT_ACTIONS.filter((action) => !ALLOWED.some(([f, a]) => f === from && a === action)).map((action) => [from, action] as const),
  );

  it('refuses every other pair (20 of 25)', () => {
    expect(refused).toHaveLength(COPYRIGHT_STATUSES.length * COPYRIGHT_ACTIONS.length - ALLOWED.length);
  });

  it.each(refused)('%s refuses %s', (from, action) => {
    expect(nextStatus(from, action)).toBeNull();
  });

  it('edits only drafts', () => {
    expect(COPYRIGHT_STATUSES.filter(isEditable)).toEqual(['draft']);
  });
});
