// The one convention for parsing untrusted input: a discriminated result,
// `ok` with the typed value or not `ok` with what is wrong (one sentence
// saying what is allowed, or a list of such for a form). Failures that are not
// bad input (an OS call, the native library) are exceptions.

export type Parsed<T, Reason = string> = { ok: true; value: T } | { ok: false; reason: Reason };
