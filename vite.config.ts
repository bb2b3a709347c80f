import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Builds the React renderer; Electron loads it from dist/renderer, the loopback host serves it. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
  },
});
