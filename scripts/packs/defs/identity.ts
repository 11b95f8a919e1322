import type { Def } from '../build.js'; export const identity: Def[] = [];
