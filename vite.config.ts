import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'

// Every script and stylesheet also as .br and .gz, compressed once at build with the strongest
// settings: the server then answers with bytes, never compressing a static file per request or
// at start (issue #15).
const precompress: Plugin = {
  name: 'epay-precompress',
  apply: 'build',
  // After the files are written: only then is every chunk final (Vite still rewrites chunk code
  // in generateBundle, e.g. the preload helper of a dynamic import), so the compressed bytes are
  // always the served file's own.
  writeBundle(options, bundle) {
    for (const fileName of Object.keys(bundle)) {
      if (!/\.(m?js|css)$/.test(fileName)) continue
      const path = join(options.dir ?? 'dist', fileName)
      const bytes = readFileSync(path)
      writeFileSync(`${path}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }))
      writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }))
    }
  },
}

// The page preloads nothing through Vite (modulePreload is off, and no lazy chunk imports CSS),
// yet Vite still wraps each import() in its preload helper (~0.6 KB gzip on the critical path).
// Here the helper is only the call; the check refuses a build where a lazy chunk would need more.
const PRELOAD_HELPER = '\0vite/preload-helper.js'
const plainDynamicImports: Plugin = {
  name: 'epay-plain-dynamic-imports',
  apply: 'build',
  enforce: 'pre',
  resolveId: (id) => (id === PRELOAD_HELPER ? id : undefined),
  load: (id) => (id === PRELOAD_HELPER ? 'export const __vitePreload = (load) => load()' : undefined),
  generateBundle(_, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type === 'chunk' && !chunk.isEntry && (chunk.viteMetadata?.importedCss.size ?? 0) > 0) {
        this.error(`${chunk.fileName} imports CSS, which only the preload helper would load`)
      }
    }
  },
}

// Ships TypeScript types beside the ES module build: widget/src/types.ts holds only types, so
// it is the declaration file as it is, plus the API functions' declarations.
const widgetTypes: Plugin = {
  name: 'epay-widget-types',
  generateBundle(output) {
    if (output.format !== 'es') return
    const api = ['run', 'runEmbedded', 'create', 'bind', 'closePopup'].map((n) => `export declare const ${n}: EPayWidgetApi['${n}']`).join('\n')
    this.emitFile({ type: 'asset', fileName: 'merchant.d.mts', source: `${readFileSync('widget/src/types.ts', 'utf8')}\n${api}\n` })
  },
}

// Three builds from one config: the hosted page (default mode), the embed widget
// (`--mode widget`) and the merchant dashboard (`--mode dashboard`, its own entry and chunks). Preact's JSX needs no plugin: the transformer's automatic runtime does it.
export default defineConfig(({ mode }) => {
  if (mode === 'dashboard') {
    return {
      root: 'dashboard',
      base: '/dashboard/',
      publicDir: false,
      oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
      build: {
        outDir: '../dist/dashboard',
        emptyOutDir: true,
        target: 'es2020',
        modulePreload: false,
        sourcemap: false,
        // .vite/manifest.json: which chunks and stylesheets each screen loads, for the bench's
        // per-screen sizes (bench/sizes.ts). Never served: the server reads only assets/ and index.html.
        manifest: true,
      },
    }
  }
  if (mode === 'widget') {
    return {
      publicDir: false,
      plugins: [widgetTypes, precompress],
      build: {
        // The IIFE has no import.meta; the widget falls back to its script tag, so the check is noise.
        // ASCII output: a copy served without `charset=utf-8` on a page in another encoding still
        // reads right (Russian strings, "×"). No Symbol.toStringTag on the global: bytes, not API.
        rolldownOptions: { checks: { emptyImportMeta: false }, output: { charset: 'ascii', generatedCode: { symbols: false } } },
        outDir: 'dist/widget',
        emptyOutDir: true,
        // Optional chaining and ?? stay as written: every browser since 2020 has them (docs/decisions.md).
        target: 'es2020',
        minify: true,
        sourcemap: false,
        lib: {
          entry: 'widget/src/index.ts',
          name: 'EPayWidget',
          formats: ['iife', 'es'],
          fileName: (format) => (format === 'iife' ? 'merchant.js' : 'merchant.mjs'),
        },
      },
    }
  }
  return {
    root: 'hosted-page',
    base: '/page/',
    publicDir: false,
    plugins: [plainDynamicImports, precompress],
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir: '../dist/page',
      emptyOutDir: true,
      target: 'es2020',
      // Lazy chunks have no dependencies to preload; the helper would be dead weight.
      modulePreload: false,
      sourcemap: false,
    },
  }
})
