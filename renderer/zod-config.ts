import { z } from 'zod';

/*
 * The page's Content Security Policy forbids eval, and zod would otherwise try it (and be refused,
 * noisily) to compile faster parsers. Its own module, imported first by main.tsx, so it runs before
 * any schema module does.
 */
z.config({ jitless: true });
