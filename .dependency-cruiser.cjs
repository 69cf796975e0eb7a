// The architecture, enforced (npm run lint): dependencies point down only.
//   cli → ui → runbooks → steps → machines (the engine) → store;  config and errors below all.
// cli/ is the composition root (cli/load-procedure.ts, cli/real-procedures.ts): only it wires the
// real procedures, the config file and the mssql adapter together. The lab is a separate program
// (the simulated SQL Server); the product reaches it only from cli/ (the lab command, the demo).
const layer = (name, below) => ({ name, below });
const LAYERS = [
  layer('ui', ['runbooks', 'steps', 'machines', 'store', 'config', 'errors']),
  layer('runbooks', ['steps', 'machines', 'store', 'config', 'errors']),
  layer('steps', ['machines', 'store', 'config', 'errors']),
  layer('machines', ['store', 'config', 'errors']),
  layer('store', ['config', 'errors']),
  layer('config', ['errors']),
  layer('errors', []),
  layer('lab', []),
];
const PRODUCT = ['cli', 'ui', 'runbooks', 'steps', 'machines', 'store', 'config', 'errors', 'lab'];

module.exports = {
  forbidden: [
    ...LAYERS.map(({ name, below }) => ({
      name: `${name}-depends-down-only`,
      comment: `${name}/ may import only from ${below.join(', ') || 'nothing else in the product'} (see .dependency-cruiser.cjs)`,
      severity: 'error',
      from: { path: `^${name}/` },
      to: { path: `^(${PRODUCT.filter((p) => p !== name && !below.includes(p)).join('|')})/` },
    })),
    {
      name: 'product-does-not-import-tests-or-benches',
      severity: 'error',
      from: { path: `^(${PRODUCT.join('|')})/` },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'no-unresolvable-import',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'], exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
