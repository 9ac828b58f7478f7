// Query plans at size: the real Sql, recording the statements it runs, and what EXPLAIN says of
// them: the statements whose plan scans one of the watched tables sequentially.
import type { Database } from '../../src/db/database';
import { Sql, type SqlParam, type Statement, statementText } from '../../src/db/sql';

/** A statement run, with its parameters; `prepared` when run as a prepared statement (sql.ts, prepared()). */
export interface RecordedStatement {
  text: string;
  params?: SqlParam[];
  prepared?: boolean;
}

/** The real Sql, writing down each statement it runs outside transactions. */
export class RecordingSql extends Sql {
  readonly statements: RecordedStatement[] = [];
  override rows<T>(statement: Statement, params?: SqlParam[]): Promise<T[]> {
    this.statements.push({ text: statementText(statement), params, prepared: typeof statement !== 'string' });
    return super.rows<T>(statement, params);
  }
  override exec(statement: Statement, params?: SqlParam[]): Promise<number> {
    this.statements.push({ text: statementText(statement), params, prepared: typeof statement !== 'string' });
    return super.exec(statement, params);
  }
}

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/**
 * The plan PostgreSQL keeps for `text` as a prepared statement (src/db/sql.ts, prepared()) once it
 * plans it for every parameter value alike: the generic plan, which no value changes (so the
 * parameters are given as NULL).
 */
export async function genericPlanOf(db: Database, text: string): Promise<PlanNode> {
  const parameters = Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  const values = parameters === 0 ? '' : `(${Array(parameters).fill('NULL').join(', ')})`;
  return db.sql.transaction(async (tx) => {
    await tx.exec(`SET LOCAL plan_cache_mode = force_generic_plan`);
    await tx.exec(`PREPARE llc_generic_plan_probe AS ${text}`);
    try {
      const [row] = await tx.rows<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) EXECUTE llc_generic_plan_probe${values}`);
      return row['QUERY PLAN'][0].Plan;
    } finally {
      await tx.exec(`DEALLOCATE llc_generic_plan_probe`);
    }
  });
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
 * table sequentially (a prepared one's generic plan too); and how many statements were looked at.
 */
export async function sequentialScans(
  db: Database,
  statements: RecordedStatement[],
  { watched, mentioning = watched, writes = true }: { watched: string[]; mentioning?: string[]; writes?: boolean },
): Promise<{ looked: number; offending: string[] }> {
  const names = new Set(watched);
  const mentions = new RegExp(`\\b(${mentioning.join('|')})\\b`);
  const relevant = statements.filter((s) => mentions.test(s.text) && (writes || !/^\s*(INSERT|DELETE|UPDATE)/i.test(s.text)));
  const offending: string[] = [];
  for (const { text, params, prepared } of relevant) {
    const scans = seqScans(await planOf(db, text, params), names);
    if (scans.length) offending.push(`${scans.join(', ')}: ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
    const genericScans = prepared ? seqScans(await genericPlanOf(db, text), names) : [];
    if (genericScans.length) offending.push(`${genericScans.join(', ')} (generic plan): ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
  return { looked: relevant.length, offending };
}
