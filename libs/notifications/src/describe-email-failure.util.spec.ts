import { describeEmailFailure } from './describe-email-failure.util';

describe('describeEmailFailure', () => {
  it('keeps the code and the reason, and removes every address', () => {
    const error = Object.assign(new Error('Mail command failed: 550 <Ada.Lovelace+x@mail.example.co.uk> and bob@example.com: no'), {
      code: 'EENVELOPE',
    });
    expect(describeEmailFailure(error)).toBe('EENVELOPE: Mail command failed: 550 <redacted> and <redacted>: no');
  });

  it('describes errors without a code, non-errors, and bounds the length', () => {
    expect(describeEmailFailure(new Error('Greeting never received'))).toBe('Greeting never received');
    expect(describeEmailFailure('boom')).toBe('boom');
    expect(describeEmailFailure(new Error('x'.repeat(2000))).length).toBe(500);
  });
});
