// The layers of the code, checked by `npm run lint` (dependency-cruiser): requests come in at
// routes/, which call the domain in server/services/, which reads and writes models/. The
// infrastructure under server/ (auth, mail, db, storage, middleware) serves every layer and
// never reaches up into the domain. See docs/ARCHITECTURE.md and CONTRIBUTING.md.
/** @type {import('dependency-cruiser').IConfiguration} */
const SEVERITY = 'error';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: SEVERITY,
      comment:
        'A cycle means two modules cannot be understood, moved or tested apart: break it by moving what both need down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'models-stand-alone',
      severity: SEVERITY,
      comment: 'Tables and their row types and labels are the bottom layer: they import nothing of the app.',
      from: { path: '^models/' },
      to: { path: '^(server|routes)/' },
    },
    {
      name: 'infrastructure-below-the-domain',
      severity: SEVERITY,
      comment: 'auth, mail, db, storage and middleware serve the domain; they never call into it (or into routes).',
      from: { path: '^server/(auth|mail|db|storage|middleware|operations)/' },
      to: { path: '^(server/services|routes)/' },
    },
    {
      name: 'services-never-see-requests',
      severity: SEVERITY,
      comment: 'Services are plain functions of (context, named input): they never import a router or the app.',
      from: { path: '^server/services/' },
      to: { path: '^(routes/|server/app\\.ts|server/index\\.ts)' },
    },
    {
      name: 'routers-stand-apart',
      severity: SEVERITY,
      comment:
        'A router never imports another router; what two share goes in routes/params.ts, forms.ts or downloads.ts.',
      from: { path: '\\.routes\\.ts$' },
      to: { path: '\\.routes\\.ts$' },
    },
    {
      name: 'routers-take-the-context',
      severity: SEVERITY,
      comment: 'Routers receive their collaborators (server/context.ts); they never import the app that mounts them.',
      from: { path: '^routes/' },
      to: { path: '^server/(app|index)\\.ts$' },
    },
    {
      name: 'routers-do-not-query',
      severity: SEVERITY,
      comment: 'Queries live in services; a router parses the request, calls a service and renders.',
      from: { path: '^routes/' },
      to: { path: 'node_modules/drizzle-orm' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test|bench)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
