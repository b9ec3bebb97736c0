/** RFC 9457 problem details, as every error leaves this API. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface FieldError {
  field: string;
  message: string;
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
export const PROBLEM_CONTENT_TYPE = `${PROBLEM_MEDIA_TYPE}; charset=utf-8`;
const PROBLEM_BASE = 'https://clearmark.dev/problems/';

/** The `type` URI of a problem, from its short code (`validation-failed`, `not-found`...). */
export function problemType(code: string): string {
  return `${PROBLEM_BASE}${code}`;
}
