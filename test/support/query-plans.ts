// Query plans at size: the real Sql, recording the statements it runs, and what EXPLAIN says of
// them: the statements whose plan scans one of the watched tables sequentially.
import type { Database } from '../../src/db/database';
import { Sql, type SqlParam } from '../../src/db/sql';

/** The real Sql, writing down each statement it runs outside transactions. */
export class RecordingSql extends Sql {
  readonly statements: { text: string; params?: SqlParam[] }[] = [];
  override rows<T>(text: string, params?: SqlParam[]): Promise<T[]> {
    this.statements.push({ text, params });
    return super.rows<T>(text, params);
  }
  override exec(text: string, params?: SqlParam[]): Promise<number> {
    this.statements.push({ text, params });
    return super.exec(text, params);
  }
}

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** The plan PostgreSQL would run for `text` with `params` on `db`. */
export async function planOf(db: Database, text: string, params?: SqlParam[]): Promise<PlanNode> {
  const [row] = await db.sql.rows<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
  return row['QUERY PLAN'][0].Plan;
}

/** Every index a plan reads, as "node type index name". */
export function indexesRead(node: PlanNode): string[] {
  const own = node['Index Name'] ? [`${node['Node Type']} ${node['Index Name']}`] : [];
  return [...own, ...(node.Plans ?? []).flatMap(indexesRead)];
}

function seqScans(node: PlanNode, watched: Set<string>): string[] {
  const own = node['Node Type'] === 'Seq Scan' && watched.has(node['Relation Name'] ?? '') ? [node['Relation Name']!] : [];
  return [...own, ...(node.Plans ?? []).flatMap((child) => seqScans(child, watched))];
}

/**
 * Each statement that names one of `mentioning` (default: the watched tables; reads only unless
 * `writes`), EXPLAINed on `db`: "table, …: statement" for those whose plan scans a `watched`
 * table sequentially; and how many statements were looked at.
 */
export async function sequentialScans(
  db: Database,
  statements: { text: string; params?: SqlParam[] }[],
  { watched, mentioning = watched, writes = true }: { watched: string[]; mentioning?: string[]; writes?: boolean },
): Promise<{ looked: number; offending: string[] }> {
  const names = new Set(watched);
  const mentions = new RegExp(`\\b(${mentioning.join('|')})\\b`);
  const relevant = statements.filter((s) => mentions.test(s.text) && (writes || !/^\s*(INSERT|DELETE|UPDATE)/i.test(s.text)));
  const offending: string[] = [];
  for (const { text, params } of relevant) {
    const scans = seqScans(await planOf(db, text, params), names);
    if (scans.length) offending.push(`${scans.join(', ')}: ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
  return { looked: relevant.length, offending };
}
