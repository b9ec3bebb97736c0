/** A work's state. `registered` and `rejected` are set only by an admin's decision. */
export const COPYRIGHT_STATUSES = ['draft', 'submitted', 'registered', 'rejected', 'withdrawn'] as const;
export type CopyrightStatus = (typeof COPYRIGHT_STATUSES)[number];

export const COPYRIGHT_ACTIONS = ['submit', 'withdraw', 'redraft', 'register', 'reject'] as const;
export type CopyrightAction = (typeof COPYRIGHT_ACTIONS)[number];

/**
 * The one state machine of a work: draft -> submitted -> registered | rejected;
 * submitted -> withdrawn -> draft. Every other (state, action) pair is refused.
 */
const TRANSITIONS: Record<CopyrightAction, { from: CopyrightStatus; to: CopyrightStatus }> = {
  submit: { from: 'draft', to: 'submitted' },
  withdraw: { from: 'submitted', to: 'withdrawn' },
  redraft: { from: 'withdrawn', to: 'draft' },
  register: { from: 'submitted', to: 'registered' },
  reject: { from: 'submitted', to: 'rejected' },
};

/** The state an action leads to from `from`, or null when the action is not allowed there. */
export function nextStatus(from: CopyrightStatus, action: CopyrightAction): CopyrightStatus | null {
  const transition = TRANSITIONS[action];
  return transition.from === from ? transition.to : null;
}

/** Editing (PATCH) and deleting are allowed only while a work is a draft. */
export function isEditable(status: CopyrightStatus): boolean {
  return status === 'draft';
}
