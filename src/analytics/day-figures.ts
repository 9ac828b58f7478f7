// Day figures (store/session-analytics' DayFigures) are sums and counts, so days add up exactly:
// the live parts fold into them here, the roll-up stores them, and any range is their sum. The
// averages and rates the API answers are taken only at the end, from the sums (figures()).
import type { DayFigures, DayParts } from '../store/session-analytics';

export type Sums = Omit<DayFigures, 'date' | 'operator_id'>;

/** The sums of the account as a whole, never of one operator. */
const ACCOUNT_ONLY = ['conversations', 'contained_conversations', 'follows', 'unfollows', 'refollows'] as const;

export function emptySums(): Sums {
  return {
    total_sessions: 0,
    open_sessions: 0,
    closed_sessions: 0,
    claimed_sessions: 0,
    first_response_seconds: 0,
    first_reply_count: 0,
    first_reply_seconds: 0,
    resolution_count: 0,
    resolution_seconds: 0,
    session_messages: 0,
    resolved_sessions: 0,
    rated_sessions: 0,
    missed_sessions: 0,
    abandoned_sessions: 0,
    after_hours_sessions: 0,
    sessions_by_hour: new Array(24).fill(0),
    claimed_by_hour: new Array(24).fill(0),
    first_response_seconds_by_hour: new Array(24).fill(0),
    total_messages_sent: 0,
    replies: 0,
    reply_seconds: 0,
    ratings_by_score: new Array(5).fill(0),
    conversations: 0,
    contained_conversations: 0,
    follows: 0,
    unfollows: 0,
    refollows: 0,
  };
}

/** Adds `more` into `into` (numbers and arrays, entry by entry). */
export function addSums(into: Sums, more: Partial<Sums>): Sums {
  const target = into as unknown as Record<string, number | number[]>;
  for (const [key, value] of Object.entries(more)) {
    if (!(key in target)) continue;
    if (Array.isArray(value)) {
      const list = target[key] as number[];
      value.forEach((v, i) => {
        list[i] = (list[i] ?? 0) + Number(v);
      });
    } else {
      target[key] = (target[key] as number) + Number(value);
    }
  }
  return into;
}

/**
 * The parts of a range folded into day figures: a whole-account row for every day of `days`
 * (also a day of nothing), then one per operator who had a session, sent a message or was rated.
 */
export function foldParts(days: string[], parts: DayParts): DayFigures[] {
  const rows = new Map<string, DayFigures>();
  const row = (date: string, operatorId: number | null) => {
    const key = `${date}/${operatorId ?? ''}`;
    const found = rows.get(key) ?? { date, operator_id: operatorId, ...emptySums() };
    rows.set(key, found);
    return found;
  };
  for (const date of days) row(date, null);
  // Each part counts for the whole account and, when it has one, for its operator.
  const both = (date: string, operatorId: number | null, sums: Partial<Sums>) => {
    addSums(row(date, null), sums);
    if (operatorId !== null) addSums(row(date, operatorId), sums);
  };
  for (const { date, operator_id, hour, ...counts } of parts.sessions) {
    const at = (value: number) => Array.from({ length: 24 }, (_, h) => (h === hour ? value : 0));
    both(date, operator_id, {
      ...counts,
      sessions_by_hour: at(counts.total_sessions),
      claimed_by_hour: at(counts.claimed_sessions),
      first_response_seconds_by_hour: at(counts.first_response_seconds),
    });
  }
  for (const { date, operator_id, ...counts } of parts.messages) both(date, operator_id, counts);
  for (const { date, operator_id, score, ratings } of parts.ratings) {
    both(date, operator_id, { ratings_by_score: Array.from({ length: 5 }, (_, i) => (i + 1 === score ? ratings : 0)) });
  }
  for (const { date, ...counts } of parts.conversations) addSums(row(date, null), counts);
  for (const { date, ...counts } of parts.friends) addSums(row(date, null), counts);
  return [...rows.values()].sort((a, b) => a.date.localeCompare(b.date) || (a.operator_id ?? -1) - (b.operator_id ?? -1));
}

/** The sums of the rows (of one operator when given, else of the whole account) over all their days. */
export function sumRows(rows: DayFigures[], operatorId?: number): Sums {
  const sums = emptySums();
  const account = emptySums();
  for (const r of rows) {
    if (r.operator_id === null) addSums(account, r);
    if (r.operator_id === (operatorId ?? null)) addSums(sums, r);
  }
  // Containment and friends belong to the account, whichever operator is looked at.
  for (const key of ACCOUNT_ONLY) sums[key] = account[key];
  return sums;
}

const round = (value: number, digits: number) => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};
/** `total / count` to `digits` decimals, or null when nothing was counted. */
export const average = (total: number, count: number, digits = 1): number | null => (count > 0 ? round(total / count, digits) : null);

export interface CsatFigures {
  ratings: number;
  /** 1 to 5, two decimals. */
  average: number | null;
  distribution: { score: number; ratings: number }[];
}

export function csat(ratingsByScore: number[]): CsatFigures {
  const ratings = ratingsByScore.reduce((n, c) => n + c, 0);
  const total = ratingsByScore.reduce((n, c, i) => n + c * (i + 1), 0);
  return {
    ratings,
    average: average(total, ratings, 2),
    distribution: ratingsByScore.map((count, i) => ({ score: i + 1, ratings: count })),
  };
}

/** What the API answers for a range or a day: the seed's figures and issue 12's. */
export interface Figures {
  total_sessions: number;
  closed_sessions: number;
  avg_first_response_seconds: number | null;
  avg_first_reply_seconds: number | null;
  avg_resolution_seconds: number | null;
  avg_messages_per_session: number | null;
  /** Every operator reply (see store/session-analytics messageParts). */
  avg_response_seconds: number | null;
  replies: number;
  missed_sessions: number;
  abandoned_sessions: number;
  conversations: number;
  contained_conversations: number;
  /** contained / conversations, 0 to 1, three decimals. */
  containment_rate: number | null;
  funnel: { asked: number; claimed: number; resolved: number; rated: number };
  csat: CsatFigures;
  business_hours: { in_hours_sessions: number; after_hours_sessions: number };
  friends: { follows: number; unfollows: number; refollows: number };
}

export function figures(s: Sums): Figures {
  return {
    total_sessions: s.total_sessions,
    closed_sessions: s.closed_sessions,
    avg_first_response_seconds: average(s.first_response_seconds, s.claimed_sessions),
    avg_first_reply_seconds: average(s.first_reply_seconds, s.first_reply_count),
    avg_resolution_seconds: average(s.resolution_seconds, s.resolution_count),
    avg_messages_per_session: average(s.session_messages, s.total_sessions),
    avg_response_seconds: average(s.reply_seconds, s.replies),
    replies: s.replies,
    missed_sessions: s.missed_sessions,
    abandoned_sessions: s.abandoned_sessions,
    conversations: s.conversations,
    contained_conversations: s.contained_conversations,
    containment_rate: average(s.contained_conversations, s.conversations, 3),
    funnel: { asked: s.total_sessions, claimed: s.claimed_sessions, resolved: s.resolved_sessions, rated: s.rated_sessions },
    csat: csat(s.ratings_by_score),
    business_hours: { in_hours_sessions: s.total_sessions - s.after_hours_sessions, after_hours_sessions: s.after_hours_sessions },
    friends: { follows: s.follows, unfollows: s.unfollows, refollows: s.refollows },
  };
}
