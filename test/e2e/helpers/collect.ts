// What a client ends up with: the text and tool arguments an official SDK accumulates from a
// (streamed or whole) answer, the response's x-leakgate-action and request id.
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { geminiStreamText, parseSse, requestIdOf, type Stack } from './stack.js';

export interface Got {
  text: string;
  /** Tool/function-call arguments as the SDK accumulated them (JSON text), '' when none. */
  args: string;
  action: string | null;
  id: string;
  /** Raw SSE body (Gemini only; the SDKs hide the wire). */
  raw?: string;
}

const ask = (content: string): { role: 'user'; content: string }[] => [{ role: 'user', content }];

export async function openaiChat(client: OpenAI, prompt: string, opts: { model?: string; stream?: boolean } = {}): Promise<Got> {
  const model = opts.model ?? 'echo';
  if (!opts.stream) {
    const { data, response } = await client.chat.completions.create({ model, messages: ask(prompt) }).withResponse();
    const msg = data.choices[0]?.message;
    const call = msg?.tool_calls?.[0];
    return { text: msg?.content ?? '', args: call && call.type === 'function' ? call.function.arguments : '', action: response.headers.get('x-leakgate-action'), id: requestIdOf(response.headers) };
  }
  const { data: stream, response } = await client.chat.completions.create({ model, messages: ask(prompt), stream: true }).withResponse();
  let text = '';
  let args = '';
  for await (const chunk of stream) {
    const d = chunk.choices[0]?.delta;
    text += d?.content ?? '';
    args += d?.tool_calls?.[0]?.function?.arguments ?? '';
  }
  return { text, args, action: response.headers.get('x-leakgate-action'), id: requestIdOf(response.headers) };
}

export async function anthropicChat(client: Anthropic, prompt: string, opts: { model?: string; stream?: boolean } = {}): Promise<Got> {
  const model = opts.model ?? 'echo';
  if (!opts.stream) {
    const { data, response } = await client.messages.create({ model, max_tokens: 64, messages: ask(prompt) }).withResponse();
    let text = '';
    let args = '';
    for (const b of data.content) {
      if (b.type === 'text') text += b.text;
      if (b.type === 'tool_use') args = JSON.stringify(b.input);
    }
    return { text, args, action: response.headers.get('x-leakgate-action'), id: requestIdOf(response.headers) };
  }
  const { data: stream, response } = await client.messages.create({ model, max_tokens: 64, messages: ask(prompt), stream: true }).withResponse();
  let text = '';
  let args = '';
  for await (const ev of stream) {
    if (ev.type !== 'content_block_delta') continue;
    if (ev.delta.type === 'text_delta') text += ev.delta.text;
    if (ev.delta.type === 'input_json_delta') args += ev.delta.partial_json;
  }
  return { text, args, action: response.headers.get('x-leakgate-action'), id: requestIdOf(response.headers) };
}

type GeminiBody = { candidates?: { content?: { parts?: { text?: string; functionCall?: { args?: unknown } }[] } }[]; error?: unknown };

export async function geminiChat(s: Stack, prompt: string, opts: { model?: string; stream?: boolean; route?: string } = {}): Promise<Got> {
  const model = opts.model ?? 'echo';
  const body = { contents: [{ role: 'user', parts: [{ text: prompt }] }] };
  const res = await s.gemini(model, opts.stream ? 'streamGenerateContent' : 'generateContent', body, opts.route);
  const raw = await res.text();
  let args = '';
  let text = '';
  const read = (d: GeminiBody): void => {
    for (const p of d.candidates?.[0]?.content?.parts ?? []) {
      if (typeof p.text === 'string') text += p.text;
      if (p.functionCall) args = JSON.stringify(p.functionCall.args);
    }
  };
  if (opts.stream) {
    for (const ev of parseSse(raw)) read(JSON.parse(ev.data) as GeminiBody);
    text = geminiStreamText(raw);
  } else {
    read(JSON.parse(raw) as GeminiBody);
  }
  return { text, args, action: res.headers.get('x-leakgate-action'), id: requestIdOf(res.headers), raw };
}

export type Provider = 'openai' | 'anthropic' | 'gemini';
export const PROVIDERS: readonly Provider[] = ['openai', 'anthropic', 'gemini'];

/** One chat turn through leakgate on `route` (default: the provider's own route). */
export function chat(s: Stack, provider: Provider, prompt: string, opts: { model?: string; stream?: boolean; route?: string } = {}): Promise<Got> {
  if (provider === 'openai') return openaiChat(s.openai(opts.route), prompt, opts);
  if (provider === 'anthropic') return anthropicChat(s.anthropic(opts.route), prompt, opts);
  return geminiChat(s, prompt, opts);
}
