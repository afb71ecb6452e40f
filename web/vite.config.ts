/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The dev server proxies the API, the socket and the local-only routes to a running
// `assetronics-local` (API_TARGET, default http://127.0.0.1:3000).
const target = process.env.API_TARGET ?? 'http://127.0.0.1:3000'

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': target,
      '/local': target,
      '/config.json': target,
      '/ws': { target: target.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: {
    target: 'es2022',
    reportCompressedSize: false,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
})
