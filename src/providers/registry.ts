// The one place that maps an API kind to its adapter.
import { anthropicAdapter } from './anthropic.js';
import { geminiAdapter } from './gemini.js';
import { openaiAdapter } from './openai.js';
import type { ApiKind, ProviderAdapter } from './types.js';

const ADAPTERS: Readonly<Record<ApiKind, ProviderAdapter>> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
};

export function adapterFor(api: ApiKind): ProviderAdapter {
  return ADAPTERS[api];
}
