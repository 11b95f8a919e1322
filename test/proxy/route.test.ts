// parseTarget: only the path picks the route; anything that could climb out of it is rejected.
import { describe, expect, it } from 'vitest';
import { jsonTooDeep } from '../../src/proxy/json-depth.js';
import { parseTarget } from '../../src/proxy/route.js';
import { upstreamPath } from '../../src/proxy/upstreams.js';
import type { Upstream } from '../../src/proxy/upstreams.js';

describe('parseTarget', () => {
  it.each([
    ['/openai/v1/chat/completions', 'openai', '/v1/chat/completions', ''],
    ['/gemini/v1beta/models/g:streamGenerateContent?alt=sse', 'gemini', '/v1beta/models/g:streamGenerateContent', 'alt=sse'],
    ['/anthropic', 'anthropic', '/', ''],
    ['//openai//v1/models', 'openai', '/v1/models', ''],
    ['http://evil.example/openai/v1/models?x=1', 'openai', '/v1/models', 'x=1'],
    ['/openai/v1/files/a%20b', 'openai', '/v1/files/a%20b', ''],
  ])('%s → route %s, subpath %s', (url, route, subpath, query) => {
    const r = parseTarget(url);
    expect(r).toEqual({ ok: true, target: { route, subpath, query } });
  });

  it.each(['/openai/../x', '/openai/./x', '/openai/%2e%2E/x', '/openai/.%2e/x', '/openai/a%2Fb', '/openai/a%5cb', '/openai/a\\b', '/openai/a%00', '*', 'evil.example:443'])(
    'rejects %s',
    (url) => {
      expect(parseTarget(url).ok).toBe(false);
    },
  );
});

describe('upstreamPath', () => {
  const up = (basePath: string): Upstream => ({ basePath } as Upstream);
  it('joins the configured prefix, the subpath and the query', () => {
    expect(upstreamPath(up(''), '/v1/models', '')).toBe('/v1/models');
    expect(upstreamPath(up('/openai'), '/v1/chat/completions', 'api-version=1')).toBe('/openai/v1/chat/completions?api-version=1');
    expect(upstreamPath(up(''), '/', '')).toBe('/');
  });
});

describe('jsonTooDeep', () => {
  it('counts nesting outside strings only', () => {
    expect(jsonTooDeep('[[[1]]]', 3)).toBe(false);
    expect(jsonTooDeep('[[[[1]]]]', 3)).toBe(true);
    expect(jsonTooDeep('{"a":"[[[[[[[[\\"[[[["}', 2)).toBe(false);
    // Many openers but shallow: the full walk runs and still says no.
    expect(jsonTooDeep(`[${'[1],'.repeat(300)}[1]]`, 3)).toBe(false);
    expect(jsonTooDeep(`[${'[1],'.repeat(300)}[[[1]]]]`, 3)).toBe(true);
  });
});
