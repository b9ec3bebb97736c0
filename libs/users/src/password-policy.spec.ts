import { commonPasswordCount, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it('accepts 12 to 72 bytes of anything uncommon', () => {
    expect(passwordProblem('correct horse battery')).toBeNull();
    expect(passwordProblem('a'.repeat(11) + 'b')).toBeNull();
    expect(passwordProblem('x'.repeat(72))).toBeNull();
  });

  it('counts bytes, not characters', () => {
    // 24 characters but 72 bytes (3 bytes each): accepted; one more character is 75 bytes.
    expect(passwordProblem('€'.repeat(24))).toBeNull();
    expect(passwordProblem('€'.repeat(25))).toMatch(/at most 72 bytes.*75/);
    // 6 characters, 12 bytes.
    expect(passwordProblem('éééééé')).toBeNull();
    expect(passwordProblem('x'.repeat(73))).toMatch(/at most 72 bytes/);
    expect(passwordProblem('short')).toMatch(/at least 12 bytes/);
  });

  it('refuses common passwords whatever their case', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
    expect(passwordProblem('password1234')).toMatch(/too common/);
    expect(passwordProblem('PASSWORD1234')).toMatch(/too common/);
    expect(passwordProblem('qwertyuiop123')).toMatch(/too common/);
  });
});
