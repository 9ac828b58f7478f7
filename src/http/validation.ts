// Reading request bodies: each reader names the field it rejects, so a 400 says what to fix.
import { badRequest } from './errors';

export type Body = Record<string, unknown>;

export function asBody(value: unknown): Body {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('The request body must be a JSON object');
  }
  return value as Body;
}

export function requiredString(body: Body, field: string, options: { max?: number; min?: number } = {}): string {
  const value = optionalString(body, field, options);
  if (value === undefined) throw badRequest(`${field} is required`, field);
  return value;
}

export function optionalString(body: Body, field: string, options: { max?: number; min?: number } = {}): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`, field);
  noNul(value, field);
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (options.min !== undefined && trimmed.length < options.min) {
    throw badRequest(`${field} must be at least ${options.min} characters`, field);
  }
  if (options.max !== undefined && trimmed.length > options.max) {
    throw badRequest(`${field} must be at most ${options.max} characters`, field);
  }
  return trimmed;
}

export function optionalBoolean(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${field} must be true or false`, field);
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw badRequest(`${field} must be one of ${allowed.join(', ')}`, field);
  }
  return value as T;
}

export function optionalObject(body: Body, field: string): Record<string, unknown> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field} must be an object`, field);
  return value as Record<string, unknown>;
}

/** The largest id a table holds: every id column is a PostgreSQL integer (int4). */
export const MAX_ID = 2147483647;

/** A positive whole number from a path or query parameter, no larger than an id can be. */
export function idParam(raw: string | undefined, field = 'id'): number {
  const value = Number(raw);
  if (!raw || !/^\d{1,10}$/.test(raw) || value < 1 || value > MAX_ID) {
    throw badRequest(`${field} must be a whole number from 1 to ${MAX_ID}`, field);
  }
  return value;
}

/** One query parameter as text; blank means absent, repeats are refused. */
export function queryString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be given once, as text`, field);
  noNul(value, field);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A page size from the query: `fallback` when absent, at most `max`. */
export function limitParam(value: unknown, fallback: number, max: number): number {
  const text = queryString(value, 'limit');
  if (text === undefined) return fallback;
  const limit = idParam(text, 'limit');
  if (limit > max) throw badRequest(`limit must be at most ${max}`, 'limit');
  return limit;
}

/** PostgreSQL text cannot hold a NUL character: refused here rather than failing in the database. */
export function noNul(value: string, field: string): void {
  if (value.includes('\u0000')) throw badRequest(`${field} must not contain a NUL character`, field);
}
