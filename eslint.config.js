// Lint rules that keep the layers of docs/architecture.md honest, on top of typescript-eslint's recommended set.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const nodeOnly = [
  'node:*',
  'fs',
  'fs/*',
  'net',
  'dgram',
  'os',
  'path',
  'child_process',
  'http',
  'https',
  'tls',
]
const electron = ['electron', 'electron/*']
const libp2pNode = [
  'libp2p',
  '@libp2p/tcp',
  'multicast-dns',
  '@chainsafe/libp2p-noise',
  '@chainsafe/libp2p-yamux',
]

// ECMAScript #private fields, not TypeScript's `private` (a compile-time hint only: the member stays
// readable and writable at run time). A private constructor has no ECMAScript form, so it stays the
// way a class says "use the static factory" (Store.open, SpentTokens.open, ...).
const noTsPrivate = {
  selector:
    ":matches(PropertyDefinition, TSParameterProperty, MethodDefinition[kind!='constructor'], TSAbstractPropertyDefinition, TSAbstractMethodDefinition, AccessorProperty)[accessibility='private']",
  message: 'Use an ECMAScript #private member, not the TypeScript `private` keyword.',
}

// The desktop folders name where a file runs (docs/architecture.md §1): one rule, given per folder
// the ending its files must have, reports a file whose name does not end so.
const fileSuffix = {
  meta: {
    type: 'problem',
    schema: [
      {
        type: 'object',
        properties: { ending: { type: 'string' }, runs: { type: 'string' } },
        required: ['ending', 'runs'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const [{ ending, runs }] = context.options
    return {
      Program(node) {
        const name = context.filename.split(/[\\/]/).pop() ?? ''
        if (new RegExp(`${ending}$`).test(name)) return
        context.report({
          node,
          message: `${name} runs in ${runs}: name it with the folder's suffix (${ending.replaceAll('\\', '')}), or list it in eslint.config.js as an exception if it does not run there.`,
        })
      },
    }
  },
}
const desktopFolders = [
  {
    files: ['app/renderer/**/*.{ts,tsx,js}'],
    // a build tool, run by Vite in Node, not by the page
    ignores: ['app/renderer/vite.config.ts'],
    ending: '\\.dom\\.tsx?',
    runs: 'the renderer (a sandboxed page)',
  },
  {
    files: ['app/main/**/*.{ts,tsx,js}'],
    // plain Node at build and launch time (npm run build, npm start), not Electron's main process
    ignores: [
      'app/main/build.ts',
      'app/main/launch.js',
      'app/main/freshness.js',
      'app/main/freshness.d.ts',
      'app/main/freshness.test.ts',
    ],
    ending: '\\.main(\\.test)?\\.ts',
    runs: "Electron's main process",
  },
  {
    files: ['app/preload/**/*.{ts,tsx,js}'],
    ending: '\\.preload\\.ts',
    runs: 'the sandboxed preload',
  },
]

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'shared/proto/envelope.ts', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      // one list: blocks below that set their own no-restricted-syntax repeat noTsPrivate
      'no-restricted-syntax': ['error', noTsPrivate],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // shared/ is the protocol, used by the app, the relay and (later) the browser: no Node-only,
    // no libp2p node transports, no Electron — and not shared/node/, which is Node's.
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts', 'shared/polyfills.ts', 'shared/node/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [...nodeOnly, ...electron, ...libp2pNode, './node/*', '../node/*'].map(
            (group) => ({
              group: [group],
              message:
                'shared/ must run anywhere: no Node-only, libp2p node or Electron imports (Node-only mechanisms go in shared/node/).',
            }),
          ),
        },
      ],
    },
  },
  {
    // shared/node/: the mechanisms the app and the relay share that need Node (secret files).
    // Node is allowed; Electron and app/ are not (the relay imports these).
    files: ['shared/node/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: electron, message: 'shared/node/ runs in the relay too: no Electron.' },
            { group: ['**/app/*', '**/app/**'], message: 'shared/ never imports app/.' },
          ],
        },
      ],
    },
  },
  // The app's layers (docs/architecture.md §1): app/core ← app/api ← app/node ← app/cli, app/main.
  // Each block also forbids Electron, since one rule's blocks replace rather than add up.
  // shared/node/ is not app/node/: it sits below every layer.
  ...[
    {
      files: ['app/core/**/*.ts'],
      above: ['api', 'node', 'cli', 'main'],
      layer: 'app/core is the engine',
    },
    {
      files: ['app/api/**/*.ts'],
      above: ['node', 'cli', 'main'],
      layer: 'app/api serves an engine',
    },
    {
      files: ['app/node/**/*.ts'],
      above: ['cli', 'main'],
      layer: 'app/node composes a node for the programs',
    },
    { files: ['app/cli/**/*.ts'], above: ['main'], layer: 'app/cli is a program' },
  ].map(({ files, above, layer }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: electron, message: 'Only app/main and app/preload may import Electron.' },
            {
              group: [
                ...above.flatMap((folder) => [`**/${folder}/*`, `**/${folder}/**`]),
                '!**/shared/node/*',
              ],
              message: `${layer}: imports point down the layers, never to app/${above.join(', app/')}.`,
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['relay/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/app/*', '**/app/**'], message: 'relay/ imports shared/, never app/.' },
            { group: electron, message: 'No Electron in the relay.' },
          ],
        },
      ],
    },
  },
  {
    // The renderer runs in a sandboxed page (Electron) or a browser: no Node, no Electron — it
    // reaches the node only through MessengerApi (window.pigeon or app/api's HTTP protocol).
    files: ['app/renderer/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeOnly, ...electron],
              message: 'The renderer talks only to MessengerApi: no Node or Electron imports.',
            },
            {
              group: ['**/core/**', '**/cli/**', '**/main/**', '**/preload/**'],
              message: 'The renderer knows only app/api types.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'require', message: 'No Node in the renderer.' },
        { name: 'process', message: 'No Node in the renderer.' },
      ],
      'no-restricted-syntax': [
        'error',
        noTsPrivate,
        { selector: "Identifier[name='ipcMain']", message: 'ipcMain belongs to app/main.' },
        {
          selector: "Identifier[name='ipcRenderer']",
          message: 'Only app/preload touches ipcRenderer.',
        },
      ],
    },
  },
  {
    // The sandboxed preload: Electron's bridge only, no Node.
    files: ['app/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: nodeOnly, message: 'A sandboxed preload has no Node.' }] },
      ],
      'no-restricted-syntax': [
        'error',
        noTsPrivate,
        { selector: "Identifier[name='ipcMain']", message: 'ipcMain belongs to app/main.' },
      ],
    },
  },
  { plugins: { pigeon: { rules: { 'file-suffix': fileSuffix } } } },
  ...desktopFolders.map(({ files, ignores, ending, runs }) => ({
    files,
    ignores: ignores ?? [],
    rules: { 'pigeon/file-suffix': ['error', { ending, runs }] },
  })),
)
