// Every router, where it is mounted, the URLs it serves and who may enter: the one place a URL
// leads to its code. Public and signed-in pages check their own rules route by route (a
// reviewer's assignment, a school's contact). Everything under /admin passes one guard, stated
// here once: someone not signed in is sent to the sign-in page, anyone else needs the admin role.
// The admin routers do not repeat it; test/http/site/admin-guard.test.ts walks every /admin route
// of the app and proves that a visitor, an applicant and a reviewer are kept out of each.
import { Router, type Express, type NextFunction, type Request, type Response } from 'express';
import type { PassportInstance } from '../server/auth/passport.js';
import type { AppContext } from '../server/context.js';
import { requireRole } from '../server/middleware/require-role.js';
import { msg } from '../server/i18n/translate.js';
import { authRoutes } from './accounts/auth.routes.js';
import { adminScreeningRoutes } from './applications/admin-screening.routes.js';
import { applicationRoutes } from './applications/applications.routes.js';
import { adminAssignmentRoutes } from './assignment/admin-assignment.routes.js';
import { adminDecisionRoutes } from './decisions/admin-decisions.routes.js';
import { adminRankingRoutes } from './decisions/admin-ranking.routes.js';
import { adminCommitteeRoutes } from './decisions/admin-committee.routes.js';
import { honoreeRoutes } from './honorees/honorees.routes.js';
import { adminNominationRoutes } from './nominations/admin-nominations.routes.js';
import { nominationRoutes } from './nominations/nominations.routes.js';
import { adminCriteriaRoutes } from './programs/admin-criteria.routes.js';
import { adminEligibilityRoutes } from './programs/admin-eligibility.routes.js';
import { adminProgramRoutes } from './programs/admin-programs.routes.js';
import { adminIdentityRoutes } from './programs/admin-identity.routes.js';
import { adminMessageRoutes } from './messages/admin-messages.routes.js';
import { adminMailTemplateRoutes } from './messages/admin-mail-templates.routes.js';
import { adminPanelRoutes } from './review/admin-panel.routes.js';
import { adminRoundRoutes } from './review/admin-rounds.routes.js';
import { reviewerRoutes } from './review/reviewers.routes.js';
import { calibrationRoutes } from './review/calibration.routes.js';
import { adminCalibrationRoutes } from './review/admin-calibration.routes.js';
import { reviewBundleRoutes } from './review/review-bundles.routes.js';
import { reviewRoutes } from './review/reviews.routes.js';
import { adminSchoolRoutes } from './schools/admin-schools.routes.js';
import { schoolRoutes } from './schools/schools.routes.js';
import { adminSiteRoutes } from './site/admin.routes.js';
import { publicRoutes } from './site/public.routes.js';
import { unsubscribeRoutes } from './site/unsubscribe.routes.js';
import { brandingRoutes } from './site/branding.routes.js';

/**
 * One router: its domain, the URLs it serves (each prefix matches itself, and anything below it
 * after a "/" or a "."), and the function that builds it. test/http/site/route-table.test.ts
 * checks every route of every router against its prefixes, so this table cannot drift.
 */
export interface RouteEntry {
  domain: string;
  urls: string[];
  routes: (context: AppContext, passport: PassportInstance) => Router;
}

/** Pages at the root; each router checks who may enter, route by route. */
export const SITE_ROUTES: RouteEntry[] = [
  { domain: 'site', urls: ['/', '/healthz', '/readyz'], routes: publicRoutes },
  { domain: 'site', urls: ['/unsubscribe'], routes: unsubscribeRoutes },
  { domain: 'site', urls: ['/branding', '/privacy', '/accessibility'], routes: brandingRoutes },
  {
    domain: 'accounts',
    urls: ['/register', '/verify-email', '/login', '/logout', '/forgot-password', '/reset-password'],
    routes: authRoutes,
  },
  { domain: 'schools', urls: ['/schools'], routes: schoolRoutes }, // signed in
  { domain: 'nominations', urls: ['/nominate', '/nominations/confirm', '/invitations'], routes: nominationRoutes },
  { domain: 'applications', urls: ['/my/applications', '/applications'], routes: applicationRoutes }, // contacts, admins
  { domain: 'honorees', urls: ['/honorees', '/cycles/:cycleId/criteria'], routes: honoreeRoutes },
  // Before reviewRoutes, whose /reviews/:assignmentId would take /reviews/bundle.zip for an id.
  { domain: 'review', urls: ['/reviews'], routes: reviewBundleRoutes }, // printable pages and ZIPs of them
  { domain: 'review', urls: ['/reviews/calibration'], routes: calibrationRoutes }, // before the assignments
  { domain: 'review', urls: ['/reviews'], routes: reviewRoutes }, // reviewers, their own assignments
  { domain: 'review', urls: ['/reviewer-invitations', '/reviewer'], routes: reviewerRoutes },
];

/** Everything under /admin (URLs here without the /admin), behind the one admin guard. */
export const ADMIN_ROUTES: RouteEntry[] = [
  { domain: 'site', urls: ['/', '/outbox', '/audit', '/backups'], routes: adminSiteRoutes },
  {
    domain: 'programs',
    urls: ['/programs', '/cycles/:cycleId', '/cycles/:cycleId/edit', '/cycles/:cycleId/copy', '/cycles/:cycleId/close'],
    routes: adminProgramRoutes,
  },
  {
    domain: 'programs',
    urls: ['/programs/:programId/identity', '/programs/:programId/logo'],
    routes: adminIdentityRoutes,
  },
  { domain: 'programs', urls: ['/cycles/:cycleId/criteria', '/criteria'], routes: adminCriteriaRoutes },
  { domain: 'programs', urls: ['/cycles/:cycleId/eligibility', '/eligibility'], routes: adminEligibilityRoutes },
  { domain: 'schools', urls: ['/schools', '/contacts'], routes: adminSchoolRoutes },
  { domain: 'applications', urls: ['/applications'], routes: adminScreeningRoutes },
  { domain: 'nominations', urls: ['/nominations'], routes: adminNominationRoutes },
  { domain: 'messages', urls: ['/cycles/:cycleId/messages'], routes: adminMessageRoutes },
  { domain: 'messages', urls: ['/mail-templates'], routes: adminMailTemplateRoutes },
  {
    domain: 'review',
    urls: ['/cycles/:cycleId/reviewer-invitations', '/cycles/:cycleId/conflicts'],
    routes: adminPanelRoutes,
  },
  { domain: 'review', urls: ['/cycles/:cycleId/calibration'], routes: adminCalibrationRoutes },
  {
    domain: 'review',
    urls: [
      '/cycles/:cycleId/rounds',
      '/cycles/:cycleId/reviewers',
      '/rounds/:roundId',
      '/rounds/:roundId/edit',
      '/rounds/:roundId/refresh',
      '/rounds/:roundId/remind',
    ],
    routes: adminRoundRoutes,
  },
  {
    domain: 'assignment',
    urls: [
      '/rounds/:roundId/assign',
      '/rounds/:roundId/assignments',
      '/rounds/:roundId/auto',
      '/rounds/:roundId/notify',
    ],
    routes: adminAssignmentRoutes,
  },
  {
    domain: 'decisions',
    urls: ['/rounds/:roundId/ranking', '/rounds/:roundId/reviews', '/rounds/:roundId/advance'],
    routes: adminRankingRoutes,
  },
  {
    domain: 'decisions',
    urls: ['/rounds/:roundId/committee'],
    routes: adminCommitteeRoutes,
  },
  {
    domain: 'decisions',
    urls: ['/cycles/:cycleId/decisions', '/decisions', '/cycles/:cycleId/publish', '/cycles/:cycleId/unpublish'],
    routes: adminDecisionRoutes,
  },
];

/** Whether `path` is one of `urls` or lies below one of them (after "/" or "."). */
export function servedBy(urls: readonly string[], path: string): boolean {
  return urls.some(
    (url) => path === url || (url !== '/' && (path.startsWith(`${url}/`) || path.startsWith(`${url}.`))),
  );
}

/**
 * A form sent after the session ended cannot be replayed after signing in, so a POST returns
 * to the admin home; a GET returns to the page asked for.
 */
function redirectAnonymousToLogin(req: Request, res: Response, next: NextFunction) {
  if (req.user) return next();
  res.flash('info', msg('common.signInToContinue'));
  const back = req.method === 'GET' ? req.originalUrl : '/admin';
  res.redirect(303, `/login?next=${encodeURIComponent(back)}`);
}

export function mountRoutes(app: Express, context: AppContext, passport: PassportInstance): void {
  for (const entry of SITE_ROUTES) app.use(entry.routes(context, passport));
  const admin = Router();
  admin.use(redirectAnonymousToLogin, requireRole('admin'));
  for (const entry of ADMIN_ROUTES) admin.use(entry.routes(context, passport));
  app.use('/admin', admin);
}
