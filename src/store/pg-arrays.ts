// Bind parameters carry objects as JSON (see db/sql.ts), so array parameters go as PostgreSQL
// array literals, cast in the SQL (`$1::text[]`).
export function pgTextArray(values: (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(',')}}`;
}

export function pgIntArray(values: number[]): string {
  return `{${values.map((v) => String(Math.trunc(v))).join(',')}}`;
}
