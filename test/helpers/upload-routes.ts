// The routes that take file uploads, found in the app itself: every middleware receiveFiles
// returns carries the RECEIVES_FILES mark, so a new upload route is listed the day it is written.
import type { Express } from 'express';
import { RECEIVES_FILES } from '../../server/middleware/upload.js';

export interface UploadRoute {
  method: string;
  /** Express's path, with its :params. */
  path: string;
  /** The form field the files come in. */
  fieldName: string;
}

/** The parts of Express 5's router (the `router` package) read here. */
interface Layer {
  handle: { stack?: Layer[] } & Record<symbol, unknown>;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean>; stack: Layer[] };
}

export function uploadRoutesOf(app: Express): UploadRoute[] {
  const found: UploadRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const mark = layer.route.stack.map((l) => l.handle[RECEIVES_FILES]).find(Boolean) as { fieldName: string } | undefined;
        if (!mark) continue;
        if (typeof layer.route.path !== 'string') throw new Error(`An upload route has a path that is not a string: ${String(layer.route.path)}`);
        for (const method of Object.keys(layer.route.methods)) found.push({ method, path: prefix + layer.route.path, fieldName: mark.fieldName });
      } else if (layer.handle.stack) {
        if (typeof layer.rawPath !== 'string') throw new Error(`A router is mounted on a path that is not a string: ${String(layer.rawPath)}`);
        walk(layer.handle.stack, layer.rawPath === '/' ? prefix : prefix + layer.rawPath);
      } else if (layer.handle[RECEIVES_FILES]) {
        throw new Error('receiveFiles is used with app.use or router.use: give it a route, so tests can find it');
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  if (found.length === 0) throw new Error('No upload route found: has the RECEIVES_FILES mark or the router layout changed?');
  return found;
}

/** Fills a route's :params from `values`; a param it has no value for fails the test that asked. */
export function fillParams(route: string, values: Record<string, string | number>): string {
  return route.replace(/:([A-Za-z]+)/g, (_all, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for :${name} in ${route}: tell the upload attack tests what a real one is`);
    return encodeURIComponent(String(value));
  });
}
