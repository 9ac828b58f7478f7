// The analytics routes of the REST API (README: GET /admin/live-chat/analytics and
// /analytics/operators); the shapes are those of src/analytics/analytics-service.ts.
import { api, query } from '../core/api';
import { under } from '../core/base';

export interface Csat {
  ratings: number;
  average: number | null;
  distribution: { score: number; ratings: number }[];
}

/** The figures of a range, or of today alone. */
export interface Figures {
  total_sessions: number;
  closed_sessions: number;
  avg_first_response_seconds: number | null;
  avg_first_reply_seconds: number | null;
  avg_resolution_seconds: number | null;
  avg_messages_per_session: number | null;
  avg_response_seconds: number | null;
  replies: number;
  missed_sessions: number;
  abandoned_sessions: number;
  conversations: number;
  contained_conversations: number;
  containment_rate: number | null;
  funnel: { asked: number; claimed: number; resolved: number; rated: number };
  csat: Csat;
  business_hours: { in_hours_sessions: number; after_hours_sessions: number };
  friends: { follows: number; unfollows: number; refollows: number };
}

export interface Overview extends Figures {
  from_date: string;
  to_date: string;
  time_zone: string;
  waiting_now: number;
  active_now: number;
  sessions_per_day: DaySessions[];
  response_time_by_hour: HourResponse[];
  friend_growth: DayFriends[];
  today: Figures & { date: string };
  rolled_up_days: number;
}

export interface DaySessions {
  date: string;
  sessions: number;
  missed_sessions: number;
  abandoned_sessions: number;
}

export interface DayFriends {
  date: string;
  follows: number;
  unfollows: number;
  refollows: number;
}

export interface HourResponse {
  hour: number;
  sessions: number;
  avg_first_response_seconds: number | null;
}

export interface OperatorFigures {
  operator_id: number;
  username: string;
  display_name: string;
  sessions: number;
  closed_sessions: number;
  avg_first_response_seconds: number | null;
  avg_first_reply_seconds: number | null;
  avg_resolution_seconds: number | null;
  messages_sent: number;
  replies: number;
  avg_response_seconds: number | null;
  missed_sessions: number;
  resolved_sessions: number;
  csat: Csat;
}

export interface OperatorsReport {
  from_date: string;
  to_date: string;
  time_zone: string;
  operators: OperatorFigures[];
}

/** Days 'YYYY-MM-DD'; left out, the API answers the last 7 days in its time zone. */
export interface RangeParams {
  from?: string;
  to?: string;
  operatorId?: number;
}

export function fetchOverview(p: RangeParams): Promise<Overview> {
  return api.get<Overview>(`/admin/live-chat/analytics${query({ from_date: p.from, to_date: p.to, operator_id: p.operatorId })}`);
}

export function fetchOperators(p: RangeParams): Promise<OperatorsReport> {
  return api.get<OperatorsReport>(`/admin/live-chat/analytics/operators${query({ from_date: p.from, to_date: p.to })}`);
}

/** The tables and charts the API exports as CSV (GET /admin/live-chat/analytics/export). */
export type ExportTable = 'summary' | 'sessions_per_day' | 'response_time_by_hour' | 'funnel' | 'csat' | 'business_hours' | 'friend_growth' | 'operators';

/** A download link of one table or chart as CSV, for the range (and operator) on screen. */
export function exportUrl(table: ExportTable, p: RangeParams): string {
  const operatorId = table === 'operators' ? undefined : p.operatorId;
  return under(`/api/v1/admin/live-chat/analytics/export${query({ table, from_date: p.from, to_date: p.to, operator_id: operatorId })}`);
}
