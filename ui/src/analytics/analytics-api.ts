// The analytics routes of the REST API (README: GET /admin/live-chat/analytics and
// /analytics/operators); the shapes are those of src/analytics/analytics-service.ts.
import { api, query } from '../core/api';

export interface Overview {
  from_date: string;
  to_date: string;
  time_zone: string;
  total_sessions: number;
  closed_sessions: number;
  waiting_now: number;
  active_now: number;
  avg_first_response_seconds: number | null;
  avg_first_reply_seconds: number | null;
  avg_resolution_seconds: number | null;
  avg_messages_per_session: number | null;
  sessions_per_day: DaySessions[];
  response_time_by_hour: HourResponse[];
}

export interface DaySessions {
  date: string;
  sessions: number;
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
