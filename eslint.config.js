// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/**
 * Layers import downward only: model ← analysis ← evidence ← checks ← scoring ← config ← probe ← audit ← report ← cli.
 * (analysis: pure, streaming figures over the normalized model; evidence adapters feed it.)
 * `shared` (errors, hashing, YAML positions) sits below them all and imports none of them.
 * Each zone below forbids a layer from importing any layer above it.
 */
const LAYERS = ['shared', 'model', 'analysis', 'evidence', 'checks', 'scoring', 'config', 'probe', 'audit', 'report', 'cli'];
const layerZones = LAYERS.flatMap((layer, index) =>
  LAYERS.slice(index + 1).map((higher) => ({
    target: `./src/${layer}`,
    from: `./src/${higher}`,
    message: `${layer} is below ${higher}: imports run one way (model ← analysis ← evidence ← checks ← scoring ← config ← probe ← audit ← report ← cli).`,
  })),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bin/**', 'examples/**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']", message: 'Only bin/mimir.js calls process.exit; return an exit code instead.' },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'src/**/test-support/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  // Plain build scripts: no type information, and Node's globals are not declared to ESLint.
  // Example agents, servers and fixture agents are plain Node scripts too.
  { files: ['eslint.config.js', 'scripts/**/*.mjs', 'bench/**/*.mjs', 'examples/**/*.mjs', 'test/fixtures/**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['scripts/**/*.mjs', 'bench/**/*.mjs', 'examples/**/*.mjs', 'test/fixtures/**/*.mjs'], rules: { 'no-undef': 'off' } },
);
