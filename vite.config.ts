import { defineConfig } from 'vite'

// Two builds from one config: the hosted page (default mode) and the embed widget
// (`--mode widget`). Preact's JSX needs no plugin: the transformer's automatic runtime does it.
export default defineConfig(({ mode }) => {
  if (mode === 'widget') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist/widget',
        emptyOutDir: true,
        target: 'es2019',
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
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir: '../dist/page',
      emptyOutDir: true,
      target: 'es2020',
      modulePreload: { polyfill: false },
      sourcemap: false,
    },
  }
})
