// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/**
 * Layers import downward only, in the order of DESIGN.md ("The pipeline"):
 * shared, model ← config ← analysis ← evidence ← checks ← scoring ← probe ← audit ← report ← cli / server.
 * `shared` (errors, hashing, YAML positions) sits below them all; `model` (the normalized types)
 * uses only `shared`. `config` describes mimir.yaml and knows no checks; `analysis` is pure, over
 * model runs; `evidence` holds the readers and loaders that feed it. `cli` and `server` share the
 * top level (`mimir serve` starts the server). Each zone forbids a layer from importing any level above it.
 */
const LAYERS = [['shared'], ['model'], ['config'], ['analysis'], ['evidence'], ['checks'], ['scoring'], ['probe'], ['audit'], ['report'], ['cli', 'server']];
const ORDER = 'shared, model ← config ← analysis ← evidence ← checks ← scoring ← probe ← audit ← report ← cli / server';
const layerZones = LAYERS.flatMap((level, index) =>
  level.flatMap((layer) =>
    LAYERS.slice(index + 1).flat().map((higher) => ({
      target: `./src/${layer}`,
      from: `./src/${higher}`,
      message: `${layer} is below ${higher}: imports run one way (${ORDER}).`,
    })),
  ),
);

export default tseslint.config(
  // Built output, and what .gitignore keeps out of git: a local `bench/token-count.mjs --baseline-commit`
  // leaves an older build's JS under bench/.corpus, which is no file of either tsconfig.
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bin/**', 'examples/**/dist/**', 'bench/.corpus/**', 'test/fixtures/real/.full/**', 'tmp/**', '**/.mimir/**', 'mimir-report/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      // The two tsconfigs named (each file is in one; a file in neither is a parse error, as it was
      // with the project service): one program each, built once. The project service did the same
      // files with the same rules for ≈20% more CPU (65 vs 51 CPU-s for the tree).
      parserOptions: { project: ['./tsconfig.json', './web/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
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
