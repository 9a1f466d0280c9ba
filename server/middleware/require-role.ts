// Guard factories for routes: router.use('/reviews', requireRole('reviewer')). The admin area's
// guard is stated once, in routes/index.ts.
import type { NextFunction, Request, Response } from 'express';
import type { Role } from '../../models/schema.js';
import { Forbidden } from '../errors.js';

export function requireSignedIn(req: Request, res: Response, next: NextFunction) {
  if (req.user) return next();
  if (req.method === 'GET') {
    res.flash('info', 'Please sign in to continue.');
    return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
  }
  next(new Forbidden('You need to sign in to do that.'));
}

export function requireRole(role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) return requireSignedIn(req, res, next);
    if (req.user.roles.includes(role)) return next();
    next(new Forbidden(`This page is for ${role}s of the program, and your account is not one.`));
  };
}
// i18n: not yet translated
