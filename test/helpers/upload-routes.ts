// The routes that take file uploads, found in the app itself: every middleware receiveFiles
// returns carries the RECEIVES_FILES mark, so a new upload route is listed the day it is written.
import type { Express } from 'express';
import { RECEIVES_FILES } from '../../server/middleware/upload.js';
import { routesOf } from './app-routes.js';

export interface UploadRoute {
  method: string;
  /** Express's path, with its :params. */
  path: string;
  /** The form field the files come in. */
  fieldName: string;
}

export function uploadRoutesOf(app: Express): UploadRoute[] {
  const found: UploadRoute[] = [];
  const routes = routesOf(app, {
    onUse: (handle) => {
      if (handle[RECEIVES_FILES])
        throw new Error('receiveFiles is used with app.use or router.use: give it a route, so tests can find it');
    },
  });
  for (const route of routes) {
    const mark = route.handlers.map((handle) => handle[RECEIVES_FILES]).find(Boolean) as
      { fieldName: string } | undefined;
    if (mark) found.push({ method: route.method, path: route.path, fieldName: mark.fieldName });
  }
  if (found.length === 0)
    throw new Error('No upload route found: has the RECEIVES_FILES mark or the router layout changed?');
  return found;
}

/** Fills a route's :params from `values`; a param it has no value for fails the test that asked. */
export function fillParams(route: string, values: Record<string, string | number>): string {
  return route.replace(/:([A-Za-z]+)/g, (_all, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(`No value for :${name} in ${route}: tell the upload attack tests what a real one is`);
    return encodeURIComponent(String(value));
  });
}
