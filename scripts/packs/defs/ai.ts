import type { Def } from '../build.js'; export const ai: Def[] = [];
