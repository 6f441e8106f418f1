import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Tauri serves the built files itself; the dev server is only for `npm run dev`.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  // The catalogs live at the repository root (i18n/), shared with the Rust side.
  server: { port: 5173, strictPort: true, fs: { allow: [".."] } },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // One small bundle: the strict CSP allows only same-origin scripts, no inline ones.
    assetsInlineLimit: 0,
  },
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    // Lets @testing-library/svelte unmount components after each test by itself.
    globals: true,
    include: ["src/**/*.test.ts"],
  },
});
