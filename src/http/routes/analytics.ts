// /admin/live-chat/analytics: the dashboard's figures and the operator table (seed §8). Every
// logged-in operator may read them. ?from_date=&to_date= (YYYY-MM-DD, default: the last 7 days),
// ?tz= (IANA zone, default: the time_zone setting), ?operator_id= (overview only). /export
// answers one table or chart as CSV: ?table= one of ANALYTICS_TABLES, the same range and operator.
import type express from 'express';
import type { Analytics } from '../../analytics/analytics-service';
import { ANALYTICS_TABLES, type AnalyticsTable } from '../../analytics/analytics-csv';
import { Router } from '../router';
import { idParam, oneOf, queryString } from '../validation';

export function analyticsRoutes(analytics: Analytics): express.Router {
  const router = Router();

  router.get('/admin/live-chat/analytics', async (req, res) => {
    res.json(await analytics.overview({ ...rangeQuery(req.query), operatorId: operatorQuery(req.query) }));
  });

  router.get('/admin/live-chat/analytics/operators', async (req, res) => {
    res.json(await analytics.operators(rangeQuery(req.query)));
  });

  router.get('/admin/live-chat/analytics/export', async (req, res) => {
    const table = oneOf<AnalyticsTable>(queryString(req.query.table, 'table') ?? '', ANALYTICS_TABLES, 'table');
    const query = { ...rangeQuery(req.query), operatorId: operatorQuery(req.query) };
    // Counted before any byte is sent, so that bad input is still a 400.
    const text = await analytics.csv(table, query);
    // The dates were checked by now; the name says the range asked for.
    const range = [query.fromDate, query.toDate].filter(Boolean).join('-');
    res.status(200);
    res.set('content-type', 'text/csv; charset=utf-8');
    res.set('content-disposition', `attachment; filename="analytics-${table}${range ? `-${range}` : ''}.csv"`);
    res.set('cache-control', 'no-store');
    res.send(text);
  });

  return router;
}

function operatorQuery(query: express.Request['query']): number | undefined {
  const operatorId = queryString(query.operator_id, 'operator_id');
  return operatorId === undefined ? undefined : idParam(operatorId, 'operator_id');
}

function rangeQuery(query: express.Request['query']) {
  return {
    fromDate: queryString(query.from_date, 'from_date'),
    toDate: queryString(query.to_date, 'to_date'),
    timeZone: queryString(query.tz, 'tz'),
  };
}
