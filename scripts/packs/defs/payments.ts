import type { Def } from '../build.js'; export const payments: Def[] = [];
