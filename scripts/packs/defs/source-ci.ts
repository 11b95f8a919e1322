import type { Def } from '../build.js'; export const sourceCi: Def[] = [];
