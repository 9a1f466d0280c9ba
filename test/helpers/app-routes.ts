// Every route of the app, found in the app itself (Express 5's router stack), with its full path:
// tests that must cover every route read this list, so moving or adding a router file can never
// shrink what they try.
import type { Express } from 'express';

export interface AppRoute {
  method: string;
  /** Express's path, with its :params, mount path included. */
  path: string;
  /** The route's own handlers, for tests that look for a mark on one (see upload-routes.ts). */
  handlers: Array<Record<symbol, unknown>>;
}

/** The parts of Express 5's router (the `router` package) read here. */
interface Layer {
  handle: { stack?: Layer[] } & Record<symbol, unknown>;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean>; stack: Layer[] };
}

export function routesOf(
  app: Express,
  { onUse }: { onUse?: (handle: Record<symbol, unknown>) => void } = {},
): AppRoute[] {
  const found: AppRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        if (typeof layer.route.path !== 'string')
          throw new Error(`A route has a path that is not a string: ${String(layer.route.path)}`);
        const handlers = layer.route.stack.map((l) => l.handle);
        for (const method of Object.keys(layer.route.methods))
          found.push({ method, path: prefix + layer.route.path, handlers });
      } else if (layer.handle.stack) {
        if (typeof layer.rawPath !== 'string')
          throw new Error(`A router is mounted on a path that is not a string: ${String(layer.rawPath)}`);
        walk(layer.handle.stack, layer.rawPath === '/' ? prefix : prefix + layer.rawPath);
      } else {
        onUse?.(layer.handle);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found;
}
