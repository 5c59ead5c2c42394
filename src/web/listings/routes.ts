// Daily Papers and trending: each listing's page, its JSON (the Hugging Face-shaped API) and its RSS/Atom/JSON
// feeds side by side, all from one loader (loaders.ts).
import type { Services } from '../../services.ts';
import { feeds, get, type Route } from '../http/routes.ts';
import { DAY, MONTH, WEEK } from '../input.ts';
import { dailyPapersHandler } from './api.ts';
import { listingHandlers } from './handlers.tsx';

export function listingRoutes(services: Services): Route[] {
  const h = listingHandlers(services);
  return [
    get('/', h.home),
    get('/papers/date', h.pick('day')),
    get(`/papers/date/${DAY}`, h.period('day')),
    ...feeds(`/papers/date/${DAY}`, h.periodFeed('day')),
    get('/papers/week', h.pick('week')),
    get(`/papers/week/${WEEK}`, h.period('week')),
    ...feeds(`/papers/week/${WEEK}`, h.periodFeed('week')),
    get('/papers/month', h.pick('month')),
    get(`/papers/month/${MONTH}`, h.period('month')),
    ...feeds(`/papers/month/${MONTH}`, h.periodFeed('month')),
    get('/api/daily_papers', dailyPapersHandler(services)),

    get('/papers/trending', h.trendingPage),
    ...feeds('/papers/trending', h.trendingFeed),

    // Feeds that follow the latest period, and per category.
    get('/feeds', h.feedsIndex),
    ...feeds('/feeds/daily', h.rollingFeed('day')),
    ...feeds('/feeds/weekly', h.rollingFeed('week')),
    ...feeds('/feeds/monthly', h.rollingFeed('month')),
    ...feeds('/feeds/category/:category', h.categoryFeed),
  ];
}
