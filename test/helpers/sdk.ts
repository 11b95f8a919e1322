// Official SDK clients pointed at a gateway, with retries off so request counts are deterministic.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

/** Obviously fake keys: the proxy must forward them untouched to the route's upstream only. */
export const OPENAI_TEST_KEY = 'sk-test-openai-fake-key-000000';
export const ANTHROPIC_TEST_KEY = 'sk-ant-test-fake-key-000000';
export const GEMINI_TEST_KEY = 'gemini-test-fake-key-000000';

export function openaiClient(gatewayUrl: string, opts: { maxRetries?: number; timeout?: number } = {}): OpenAI {
  return new OpenAI({ apiKey: OPENAI_TEST_KEY, baseURL: `${gatewayUrl}/openai/v1`, maxRetries: opts.maxRetries ?? 0, timeout: opts.timeout ?? 10_000 });
}

export function anthropicClient(gatewayUrl: string, opts: { maxRetries?: number; timeout?: number } = {}): Anthropic {
  return new Anthropic({ apiKey: ANTHROPIC_TEST_KEY, baseURL: `${gatewayUrl}/anthropic`, maxRetries: opts.maxRetries ?? 0, timeout: opts.timeout ?? 10_000 });
}

/** Gemini has no official SDK installed: plain fetch, the way its REST API is documented. */
export function geminiFetch(gatewayUrl: string, model: string, method: 'generateContent' | 'streamGenerateContent', body: unknown, init: RequestInit = {}): Promise<Response> {
  const query = method === 'streamGenerateContent' ? '?alt=sse' : '';
  return fetch(`${gatewayUrl}/gemini/v1beta/models/${model}:${method}${query}`, {
    method: 'POST',
    ...init,
    headers: { 'content-type': 'application/json', 'x-goog-api-key': GEMINI_TEST_KEY, ...(init.headers as Record<string, string> | undefined) },
    body: JSON.stringify(body),
  });
}
