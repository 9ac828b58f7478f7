// /admin/live-chat/analytics: the dashboard's figures and the operator table (seed §8). Every
// logged-in operator may read them. ?from_date=&to_date= (YYYY-MM-DD, default: the last 7 days),
// ?tz= (IANA zone, default: the time_zone setting), ?operator_id= (overview only).
import type express from 'express';
import type { Analytics } from '../../analytics/analytics-service';
import { Router } from '../router';
import { idParam, queryString } from '../validation';

export function analyticsRoutes(analytics: Analytics): express.Router {
  const router = Router();

  router.get('/admin/live-chat/analytics', async (req, res) => {
    const operatorId = queryString(req.query.operator_id, 'operator_id');
    res.json(
      await analytics.overview({
        ...rangeQuery(req.query),
        operatorId: operatorId === undefined ? undefined : idParam(operatorId, 'operator_id'),
      }),
    );
  });

  router.get('/admin/live-chat/analytics/operators', async (req, res) => {
    res.json(await analytics.operators(rangeQuery(req.query)));
  });

  return router;
}

function rangeQuery(query: express.Request['query']) {
  return {
    fromDate: queryString(query.from_date, 'from_date'),
    toDate: queryString(query.to_date, 'to_date'),
    timeZone: queryString(query.tz, 'tz'),
  };
}
