// Guard factories for routes: router.use('/reviews', requireRole('reviewer')). The admin area's
// guard is stated once, in routes/index.ts.
import type { NextFunction, Request, Response } from 'express';
import type { Role } from '../../models/schema.js';
import { Forbidden } from '../errors.js';
import { msg } from '../i18n/translate.js';

export function requireSignedIn(req: Request, res: Response, next: NextFunction) {
  if (req.user) return next();
  if (req.method === 'GET') {
    res.flash('info', msg('common.signInToContinue'));
    return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
  }
  next(new Forbidden(msg('admin.guard.signInToDoThat')));
}

export function requireRole(role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) return requireSignedIn(req, res, next);
    if (req.user.roles.includes(role)) return next();
    next(new Forbidden(msg('admin.guard.forRole', { role })));
  };
}
