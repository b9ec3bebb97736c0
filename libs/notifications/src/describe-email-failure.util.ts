const EMAIL_ADDRESS = /<?[\w.!#$%&'*+/=?^`{|}~-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*>?/gi;
const MAX_LENGTH = 500;

/**
 * A storable, loggable reason for a failed send: the error code and message with every e-mail
 * address replaced, since SMTP replies quote the recipient ("550 <bob@example.com>: rejected").
 */
export function describeEmailFailure(error: unknown): string {
  const e = error as { code?: unknown; responseCode?: unknown; message?: unknown } | null | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const redacted = message.replace(EMAIL_ADDRESS, '<redacted>').replace(/\s+/g, ' ').trim();
  const text = code ? `${code}: ${redacted}` : redacted;
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
