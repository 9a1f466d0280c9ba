// Every router, where it is mounted, and who may enter: the one place a URL leads to its code.
// Public and signed-in pages check their own rules route by route (a reviewer's assignment, a
// school's contact). Everything under /admin passes one guard, stated here once: someone not
// signed in is sent to the sign-in page, anyone else needs the admin role. The admin routers
// themselves do not repeat it; test/http/site/admin-guard.test.ts walks every /admin route of
// the app and proves that an applicant, a reviewer and a visitor are kept out of each.
import { Router, type Express, type NextFunction, type Request, type Response } from 'express';
import type { PassportInstance } from '../server/auth/passport.js';
import type { AppContext } from '../server/context.js';
import { requireRole } from '../server/middleware/require-role.js';
import { authRoutes } from './accounts/auth.routes.js';
import { adminScreeningRoutes } from './applications/admin-screening.routes.js';
import { applicationRoutes } from './applications/applications.routes.js';
import { adminAssignmentRoutes } from './assignment/admin-assignment.routes.js';
import { adminDecisionRoutes } from './decisions/admin-decisions.routes.js';
import { adminRankingRoutes } from './decisions/admin-ranking.routes.js';
import { honoreeRoutes } from './honorees/honorees.routes.js';
import { adminNominationRoutes } from './nominations/admin-nominations.routes.js';
import { nominationRoutes } from './nominations/nominations.routes.js';
import { adminCriteriaRoutes } from './programs/admin-criteria.routes.js';
import { adminEligibilityRoutes } from './programs/admin-eligibility.routes.js';
import { adminProgramRoutes } from './programs/admin-programs.routes.js';
import { adminPanelRoutes } from './review/admin-panel.routes.js';
import { adminRoundRoutes } from './review/admin-rounds.routes.js';
import { reviewerRoutes } from './review/reviewers.routes.js';
import { reviewRoutes } from './review/reviews.routes.js';
import { adminSchoolRoutes } from './schools/admin-schools.routes.js';
import { schoolRoutes } from './schools/schools.routes.js';
import { adminSiteRoutes } from './site/admin.routes.js';
import { publicRoutes } from './site/public.routes.js';
import { unsubscribeRoutes } from './site/unsubscribe.routes.js';

type RouterFactory = (context: AppContext) => Router;

/** Pages at the root: URL prefixes in the comments, guards inside each router. */
const SITE: Array<[domain: string, factory: RouterFactory]> = [
  ['site', publicRoutes], //                 /  /healthz
  ['site', unsubscribeRoutes], //            /unsubscribe
  ['schools', schoolRoutes], //              /schools/*  (signed in)
  ['nominations', nominationRoutes], //      /nominate  /nominations/confirm/*  /invitations/*
  ['applications', applicationRoutes], //    /my/applications  /applications/*  (signed in; contacts and admins)
  ['honorees', honoreeRoutes], //            /honorees*  /cycles/:id/criteria
  ['review', reviewRoutes], //               /reviews/*  (reviewers; their assignments only)
  ['review', reviewerRoutes], //             /reviewer-invitations/*  /reviewer/*
];

/** Everything under /admin, behind the admin guard. */
const ADMIN: Array<[domain: string, factory: RouterFactory]> = [
  ['site', adminSiteRoutes], //                         /admin  /admin/outbox*  /admin/audit
  ['programs', adminProgramRoutes], //                  /admin/programs*  /admin/cycles/:id  (edit, copy)
  ['programs', adminCriteriaRoutes], //                 /admin/cycles/:id/criteria/new  /admin/criteria/*
  ['programs', adminEligibilityRoutes], //              /admin/cycles/:id/eligibility*  /admin/eligibility/*
  ['schools', adminSchoolRoutes], //                    /admin/schools*  /admin/contacts*
  ['applications', adminScreeningRoutes], //            /admin/applications*
  ['nominations', adminNominationRoutes], //            /admin/nominations*
  ['review', adminPanelRoutes], //                      /admin/cycles/:id/reviewer-invitations  /admin/cycles/:id/conflicts*
  ['review', adminRoundRoutes], //                      /admin/cycles/:id/rounds  /admin/rounds/:id  (edit, refresh, remind)  /admin/cycles/:id/reviewers*
  ['assignment', adminAssignmentRoutes], //             /admin/rounds/:id/assign  /admin/rounds/:id/auto  /admin/rounds/:id/notify
  ['decisions', adminRankingRoutes], //                 /admin/rounds/:id/ranking*  /admin/rounds/:id/reviews.csv  /admin/rounds/:id/advance
  ['decisions', adminDecisionRoutes], //                /admin/cycles/:id/decisions  /admin/decisions/*  /admin/cycles/:id/publish
];

/**
 * A form sent after the session ended cannot be replayed after signing in, so a POST returns
 * to the admin home; a GET returns to the page asked for.
 */
function redirectAnonymousToLogin(req: Request, res: Response, next: NextFunction) {
  if (req.user) return next();
  res.flash('info', 'Please sign in to continue.');
  const back = req.method === 'GET' ? req.originalUrl : '/admin';
  res.redirect(303, `/login?next=${encodeURIComponent(back)}`);
}

export function mountRoutes(app: Express, context: AppContext, passport: PassportInstance): void {
  app.use(authRoutes(context, passport)); // /register /verify-email/* /login /logout /forgot-password /reset-password/*
  for (const [, routes] of SITE) app.use(routes(context));
  const admin = Router();
  admin.use(redirectAnonymousToLogin, requireRole('admin'));
  for (const [, routes] of ADMIN) admin.use(routes(context));
  app.use('/admin', admin);
}
