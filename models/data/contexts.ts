// Context templates, one per "family". A family is the unit of the train/val/test split: test
// families never appear in training, so test examples are not paraphrases of training ones.
import type { Rng } from './rng.js';

export const SLOT = '\u0000';

export interface Rendered {
  text: string;
  filePath?: string;
  fileKind?: string;
}

export interface Family {
  name: string;
  /** Context group for the data card. */
  group: string;
  /** Only sensible for credentials (e.g. an Authorization header): never given benign values. */
  secretOnly?: boolean;
  /** Key naming style. */
  style: 'snake' | 'upper' | 'camel' | 'pascal' | 'dot' | 'kebab' | 'none';
  render(r: Rng, key: string, path: PathKind): Rendered;
}

export type PathKind = 'prod' | 'test' | 'doc';

/** Key names are written lower snake case in the generator; each family restyles them. */
export function styleKey(key: string, style: Family['style']): string {
  const words = key.split(/[_\-. ]+|(?<=[a-z])(?=[A-Z])/).filter(Boolean).map((w) => w.toLowerCase());
  switch (style) {
    case 'snake':
      return words.join('_');
    case 'upper':
      return words.join('_').toUpperCase();
    case 'camel':
      return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
    case 'pascal':
      return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
    case 'dot':
      return words.join('.');
    case 'kebab':
      return words.join('-');
    default:
      return key;
  }
}

const FILL: Record<string, readonly string[]> = {
  py: ['import os', 'import logging', 'from datetime import datetime, timedelta', 'logger = logging.getLogger(__name__)', 'DEBUG = False', 'TIMEOUT = 30', 'def main():', '    return run(args)', 'ALLOWED_HOSTS = ["localhost"]', '# configuration', 'BASE_DIR = os.path.dirname(__file__)', 'MAX_RETRIES = 3', 'class Config:', '    pass'],
  js: ["import express from 'express';", "const path = require('path');", 'const PORT = process.env.PORT || 3000;', '// settings', 'module.exports = config;', 'export default config;', "app.use(express.json());", 'const retries = 3;', 'let cache = new Map();', 'async function main() {', '}', "import { createClient } from './client.js';"],
  go: ['package main', 'import (', '\t"fmt"', '\t"net/http"', ')', 'func main() {', '}', '// Config holds settings', 'var timeout = 30 * time.Second', 'type Client struct {', '\tclient *http.Client'],
  java: ['package com.acme.service;', 'import java.util.Map;', 'public class Config {', '}', '    private final int timeout = 30;', '    // credentials', '    @Value("${app.timeout}")', '    public static void main(String[] args) {'],
  rb: ["require 'json'", 'module Acme', 'end', 'class Client', '  def initialize', '  attr_reader :timeout', "  TIMEOUT = 30"],
  php: ['<?php', 'namespace App\\Config;', "use Illuminate\\Support\\Facades\\DB;", 'return [', '];', "$timeout = 30;"],
  cs: ['using System;', 'namespace Acme.Api', '{', '}', '    public class Settings', '        public int Timeout { get; set; } = 30;'],
  rs: ['use std::env;', 'fn main() {', '}', 'const TIMEOUT: u64 = 30;', '    let client = reqwest::Client::new();'],
  sh: ['#!/usr/bin/env bash', 'set -euo pipefail', 'cd "$(dirname "$0")"', 'echo "deploying..."', 'npm run build', 'export NODE_ENV=production'],
  env: ['NODE_ENV=production', 'PORT=8080', 'LOG_LEVEL=info', 'DB_HOST=db.internal', 'REDIS_URL=redis://cache:6379', '# app settings', 'FEATURE_FLAGS=beta,search'],
  yaml: ['version: "3.8"', 'replicas: 2', 'image: acme/api:1.4.2', 'log_level: info', 'port: 8080', '# settings', 'timeout: 30s'],
  ini: ['[server]', 'port = 8080', 'host = 0.0.0.0', '; settings', '[logging]', 'level = info'],
  log: ['2024-05-01T10:22:31.118Z INFO  server started on :8080', '2024-05-01T10:22:32.003Z DEBUG pool size=10', 'WARN  retrying request attempt=2', '[worker-3] INFO job finished in 231ms', '2024-05-01 10:22:35,771 ERROR connection reset by peer'],
  md: ['## Configuration', '', 'Install the package:', '```bash', 'npm install acme-client', '```', 'See the docs for details.', '### Usage'],
  pl: ['use strict;', 'use warnings;', 'use LWP::UserAgent;', 'my $ua = LWP::UserAgent->new;', 'my $timeout = 30;', '# settings', 'sub main {', '}'],
  ex: ['import Config', 'config :logger, level: :info', '# runtime settings', 'config :acme, Acme.Repo,', '  pool_size: 10', 'import_config "#{config_env()}.exs"'],
  dart: ["import 'package:http/http.dart' as http;", 'void main() {', '}', 'const timeout = Duration(seconds: 30);', '// app config', 'class Env {'],
  hcl: ['terraform {', '  required_version = ">= 1.5"', '}', 'variable "region" {', '  default = "eu-west-1"', '}', '# providers', 'locals {'],
  nginx: ['server {', '    listen 443 ssl;', '    server_name api.acme.io;', '    location / {', '        proxy_pass http://backend;', '    }', '}', '# upstream auth'],
  prose: ['Hi team,', 'Thanks!', 'Can someone take a look?', 'It started failing after the deploy yesterday.', 'Let me know if you need more info.', 'Here is what I have so far:'],
};

function fill(r: Rng, lang: string, n: number): string {
  const pool = FILL[lang] ?? FILL['prose']!;
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.pick(pool));
  return out.join('\n');
}

function wrap(r: Rng, lang: string, line: string): string {
  const before = fill(r, lang, r.int(0, 4));
  const after = fill(r, lang, r.int(0, 3));
  return [before, line, after].filter((s) => s !== '').join('\n');
}

function pathFor(r: Rng, kind: PathKind, prod: readonly string[], ext: string): string {
  const base = r.pick(prod);
  if (kind === 'test') return `${r.pick(['test', 'tests', 'spec', 'src/__tests__', 'testdata'])}/${base.replace(/\.[^.]+$/, '')}${r.pick(['.test', '_test', '.spec', ''])}.${ext}`;
  if (kind === 'doc') return `${r.pick(['docs', 'examples', 'sample'])}/${base}`;
  return base;
}

const fam = (name: string, group: string, style: Family['style'], lang: string, ext: string, paths: readonly string[], line: (k: string) => string, extra: Partial<Family> = {}): Family => ({
  name,
  group,
  style,
  ...extra,
  render(r, key, pk) {
    return { text: wrap(r, lang, line(key)), filePath: pathFor(r, pk, paths, ext) };
  },
});

// Neighbours on the candidate's own line: ids, versions and public values next to a secret (and
// secrets next to an id), so a benign word left of the value is not read as "benign" by itself.
const NEIGHBOURS: readonly (readonly [string, (r: Rng) => string])[] = [
  ['client_id', (r) => r.str('0123456789abcdef', 24)],
  ['app_id', (r) => String(r.int(10000, 999999))],
  ['user_id', (r) => String(r.int(1, 99999))],
  ['project_id', (r) => `acme-${r.pick(['prod', 'web', 'data'])}-${r.int(100, 999)}`],
  ['public_key', (r) => `pk_${r.str('abcdefghijklmnopqrstuvwxyz0123456789', 20)}`],
  ['version', (r) => `${r.int(1, 5)}.${r.int(0, 20)}.${r.int(0, 9)}`],
  ['image', () => 'acme/api:1.4.2'],
  ['cache_ttl', (r) => String(r.int(30, 3600))],
  ['account_sid', (r) => `AC${r.str('0123456789abcdef', 32)}`],
  ['username', (r) => r.pick(['deploy', 'svc-api', 'admin@acme.io', 'ci-bot'])],
  ['region', (r) => r.pick(['us-east-1', 'eu-west-1', 'ap-south-1'])],
  ['tenant_id', (r) => `${r.str('0123456789abcdef', 8)}-${r.str('0123456789abcdef', 4)}-4${r.str('0123456789abcdef', 3)}-a${r.str('0123456789abcdef', 3)}-${r.str('0123456789abcdef', 12)}`],
];

function pairFamily(name: string, group: string, style: Family['style'], lang: string, ext: string, paths: readonly string[], line: (nk: string, nv: string, k: string, first: boolean) => string): Family {
  return {
    name,
    group,
    style,
    render(r, key, pk) {
      const [nk0, nv] = r.pick(NEIGHBOURS);
      const nk = style === 'camel' ? nk0.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : style === 'upper' ? nk0.toUpperCase() : nk0;
      return { text: wrap(r, lang, line(nk, nv(r), key, r.chance(0.7))), filePath: pathFor(r, pk, paths, ext) };
    },
  };
}

export const FAMILIES: Family[] = [
  pairFamily('json-inline-pair', 'config-json', 'snake', 'yaml', 'json', ['config/client.json', 'auth.json'], (nk, nv, k, first) =>
    first ? `{"${nk}": "${nv}", "${k}": "${SLOT}"}` : `{"${k}": "${SLOT}", "${nk}": "${nv}"}`),
  pairFamily('py-call-pair', 'code-python', 'snake', 'py', 'py', ['app/integrations.py', 'jobs/export.py'], (nk, nv, k, first) =>
    first ? `client = ApiClient(${nk}="${nv}", ${k}="${SLOT}")` : `client = ApiClient(${k}="${SLOT}", ${nk}="${nv}")`),
  pairFamily('oauth-query-pair', 'log', 'snake', 'log', 'log', ['logs/oauth.log', 'logs/gateway.log'], (nk, nv, k, first) =>
    `POST /oauth/token?grant_type=client_credentials&${first ? `${nk}=${nv}&${k}=${SLOT}` : `${k}=${SLOT}&${nk}=${nv}`} 200`),
  pairFamily('yaml-flow-pair', 'config-yaml', 'camel', 'yaml', 'yaml', ['config/integrations.yaml'], (nk, nv, k, first) =>
    first ? `acme: { ${nk}: "${nv}", ${k}: "${SLOT}" }` : `acme: { ${k}: "${SLOT}", ${nk}: "${nv}" }`),
  pairFamily('env-oneline-pair', 'code-shell', 'upper', 'sh', 'sh', ['scripts/dev.sh', 'bin/start.sh'], (nk, nv, k, first) =>
    first ? `${nk}=${nv} ${k}=${SLOT} node server.js` : `${k}=${SLOT} ${nk}=${nv} node server.js`),
  pairFamily('js-object-pair', 'code-js', 'camel', 'js', 'ts', ['src/integrations/acme.ts'], (nk, nv, k, first) =>
    first ? `const acme = new Acme({ ${nk}: '${nv}', ${k}: '${SLOT}' });` : `const acme = new Acme({ ${k}: '${SLOT}', ${nk}: '${nv}' });`),
  fam('py-assign', 'code-python', 'upper', 'py', 'py', ['app/settings.py', 'config.py', 'src/app/config.py'], (k) => `${k} = "${SLOT}"`),
  fam('py-dict', 'code-python', 'snake', 'py', 'py', ['app/config.py', 'settings/base.py'], (k) => `CONFIG = {\n    "${k}": "${SLOT}",\n    "timeout": 30,\n}`),
  fam('py-kwarg', 'code-python', 'snake', 'py', 'py', ['client.py', 'scripts/sync.py'], (k) => `client = Client(${k}='${SLOT}', region="us-east-1")`),
  fam('py-default', 'code-python', 'upper', 'py', 'py', ['app/env.py'], (k) => `${k} = os.environ.get("${k}", "${SLOT}")`),
  fam('js-const', 'code-js', 'camel', 'js', 'js', ['src/config.js', 'lib/client.js', 'index.js'], (k) => `const ${k} = '${SLOT}';`),
  fam('js-object', 'code-js', 'camel', 'js', 'ts', ['src/config.ts', 'src/env.ts'], (k) => `export const config = {\n  ${k}: "${SLOT}",\n  retries: 3,\n};`),
  fam('ts-fetch-header', 'code-js', 'none', 'js', 'ts', ['src/api.ts', 'src/http.ts'], () => `const res = await fetch(url, { headers: { Authorization: \`Bearer ${SLOT}\` } });`, { secretOnly: true }),
  fam('js-test', 'code-js', 'camel', 'js', 'js', ['client.js', 'auth.js'], (k) => `describe('client', () => {\n  it('signs requests', () => {\n    const ${k} = '${SLOT}';\n    expect(sign(${k})).toBeDefined();\n  });\n});`),
  fam('go-const', 'code-go', 'camel', 'go', 'go', ['main.go', 'internal/config/config.go'], (k) => `const ${k} = "${SLOT}"`),
  fam('go-struct', 'code-go', 'pascal', 'go', 'go', ['cmd/server/main.go', 'pkg/client.go'], (k) => `cfg := Config{\n\t${k}: "${SLOT}",\n}`),
  fam('java-field', 'code-java', 'upper', 'java', 'java', ['src/main/java/com/acme/Config.java'], (k) => `    private static final String ${k} = "${SLOT}";`),
  fam('java-properties', 'config-properties', 'dot', 'ini', 'properties', ['src/main/resources/application.properties'], (k) => `app.${k}=${SLOT}`),
  fam('kotlin-val', 'code-kotlin', 'camel', 'java', 'kt', ['app/src/main/kotlin/Config.kt'], (k) => `val ${k} = "${SLOT}"`),
  fam('rb-assign', 'code-ruby', 'snake', 'rb', 'rb', ['config/initializers/client.rb', 'lib/acme.rb'], (k) => `  ${k} = '${SLOT}'`),
  fam('rb-hash', 'code-ruby', 'snake', 'rb', 'rb', ['config/settings.rb'], (k) => `SETTINGS = { ${k}: "${SLOT}", timeout: 30 }`),
  fam('php-array', 'code-php', 'snake', 'php', 'php', ['config/services.php', 'config/app.php'], (k) => `    '${k}' => '${SLOT}',`),
  fam('php-define', 'code-php', 'upper', 'php', 'php', ['wp-config.php', 'config.php'], (k) => `define('${k}', '${SLOT}');`),
  fam('cs-var', 'code-csharp', 'camel', 'cs', 'cs', ['Program.cs', 'Services/Client.cs'], (k) => `        var ${k} = "${SLOT}";`),
  fam('cs-appsettings', 'config-json', 'pascal', 'yaml', 'json', ['appsettings.json', 'appsettings.Production.json'], (k) => `{\n  "Service": {\n    "${k}": "${SLOT}"\n  }\n}`),
  fam('rust-let', 'code-rust', 'snake', 'rs', 'rs', ['src/main.rs', 'src/config.rs'], (k) => `    let ${k} = "${SLOT}";`),
  fam('swift-let', 'code-swift', 'camel', 'js', 'swift', ['Sources/App/Config.swift'], (k) => `let ${k} = "${SLOT}"`),
  fam('c-define', 'code-c', 'upper', 'rs', 'h', ['include/config.h', 'src/secrets.h'], (k) => `#define ${k} "${SLOT}"`),
  fam('sh-export', 'code-shell', 'upper', 'sh', 'sh', ['deploy.sh', 'scripts/release.sh'], (k) => `export ${k}="${SLOT}"`),
  fam('sh-inline', 'code-shell', 'upper', 'sh', 'sh', ['run.sh', 'Makefile'], (k) => `${k}=${SLOT} ./bin/server --port 8080`),
  fam('ps-env', 'code-powershell', 'upper', 'sh', 'ps1', ['setup.ps1'], (k) => `$env:${k} = "${SLOT}"`),
  fam('dotenv', 'config-env', 'upper', 'env', 'env', ['.env', '.env.production', 'services/api/.env'], (k) => `${k}=${SLOT}`),
  fam('dotenv-quoted', 'config-env', 'upper', 'env', 'env', ['.env.local', 'deploy/.env'], (k) => `${k}="${SLOT}"`),
  fam('yaml-flat', 'config-yaml', 'snake', 'yaml', 'yaml', ['config.yaml', 'config/production.yml'], (k) => `${k}: ${SLOT}`),
  fam('yaml-nested', 'config-yaml', 'camel', 'yaml', 'yml', ['application.yml', 'values.yaml'], (k) => `service:\n  auth:\n    ${k}: "${SLOT}"`),
  fam('k8s-secret', 'config-k8s', 'upper', 'yaml', 'yaml', ['k8s/secret.yaml', 'deploy/secrets.yaml'], (k) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  ${k}: "${SLOT}"`),
  fam('k8s-env', 'config-k8s', 'upper', 'yaml', 'yaml', ['k8s/deployment.yaml'], (k) => `        env:\n          - name: ${k}\n            value: "${SLOT}"`),
  fam('compose-env', 'config-compose', 'upper', 'yaml', 'yml', ['docker-compose.yml'], (k) => `    environment:\n      - ${k}=${SLOT}`),
  fam('json-flat', 'config-json', 'camel', 'yaml', 'json', ['config.json', 'credentials.json', 'settings.json'], (k) => `{\n  "${k}": "${SLOT}",\n  "region": "eu-west-1"\n}`),
  fam('ini', 'config-ini', 'snake', 'ini', 'ini', ['config.ini', 'setup.cfg', '.pypirc'], (k) => `[default]\n${k} = ${SLOT}`),
  fam('toml', 'config-toml', 'snake', 'ini', 'toml', ['config.toml', 'Cargo.toml', 'pyproject.toml'], (k) => `[auth]\n${k} = "${SLOT}"`),
  fam('terraform', 'config-terraform', 'snake', 'ini', 'tf', ['main.tf', 'terraform.tfvars', 'infra/variables.tf'], (k) => `  ${k} = "${SLOT}"`),
  fam('gh-actions', 'config-ci', 'upper', 'yaml', 'yml', ['.github/workflows/deploy.yml', '.github/workflows/ci.yml'], (k) => `    env:\n      ${k}: ${SLOT}`),
  fam('gitlab-ci', 'config-ci', 'upper', 'yaml', 'yml', ['.gitlab-ci.yml'], (k) => `variables:\n  ${k}: "${SLOT}"`),
  fam('xml-config', 'config-xml', 'pascal', 'yaml', 'xml', ['web.config', 'App.config', 'pom.xml'], (k) => `  <add key="${k}" value="${SLOT}" />`),
  fam('log-kv', 'log', 'snake', 'log', 'log', ['logs/app.log', 'server.log'], (k) => `2024-05-01T10:22:33.412Z INFO  auth request ${k}=${SLOT} status=200`),
  fam('log-url', 'log', 'snake', 'log', 'log', ['logs/access.log'], (k) => `10.0.3.7 - - [01/May/2024:10:22:33 +0000] "GET /v1/items?${k}=${SLOT}&page=2 HTTP/1.1" 200 512`),
  fam('stacktrace', 'log', 'camel', 'log', 'log', ['crash.log', 'logs/error.log'], (k) => `Traceback (most recent call last):\n  File "/app/client.py", line 42, in fetch\n    resp = session.get(url, params={"${k}": "${SLOT}"})\nrequests.exceptions.HTTPError: 401 Client Error`),
  fam('curl-bearer', 'curl', 'none', 'sh', 'sh', ['scripts/smoke.sh'], () => `curl -s https://api.acme.io/v1/me \\\n  -H "Authorization: Bearer ${SLOT}"`, { secretOnly: true }),
  fam('curl-header', 'curl', 'kebab', 'sh', 'sh', ['scripts/test-api.sh'], (k) => `curl -X POST https://api.acme.io/v2/jobs -H "x-${k}: ${SLOT}" -d '{"name":"nightly"}'`),
  fam('curl-user', 'curl', 'none', 'sh', 'sh', ['scripts/upload.sh'], () => `curl -u deploy:${SLOT} https://registry.acme.io/upload`, { secretOnly: true }),
  fam('chat-my-key', 'chat', 'snake', 'prose', 'txt', [''], (k) => `hey, my requests keep failing with 401. my ${k.replace(/_/g, ' ')} is ${SLOT} — any idea why?`),
  fam('chat-here-is', 'chat', 'snake', 'prose', 'txt', [''], (k) => `Here is the ${k.replace(/_/g, ' ')} you asked for: ${SLOT}\nlet me know if it works`),
  fam('chat-code-paste', 'chat', 'upper', 'prose', 'txt', [''], (k) => `Why does this not work?\n\n\`\`\`\n${k}=${SLOT}\npython app.py\n\`\`\``),
  fam('readme-export', 'docs', 'upper', 'md', 'md', ['README.md', 'docs/setup.md'], (k) => `Set your credentials before running:\n\n\`\`\`bash\nexport ${k}=${SLOT}\n\`\`\``),
  fam('readme-inline', 'docs', 'upper', 'md', 'md', ['README.md', 'CONTRIBUTING.md'], (k) => `Set \`${k}\` to \`${SLOT}\` in your environment, then start the server.`),
  fam('test-fixture-json', 'test-fixture', 'camel', 'yaml', 'json', ['fixtures/user.json', 'testdata/config.json'], (k) => `{\n  "user": "alice",\n  "${k}": "${SLOT}"\n}`),
  fam('py-pytest', 'test-code', 'snake', 'py', 'py', ['test_client.py', 'conftest.py'], (k) => `def test_auth(monkeypatch):\n    monkeypatch.setenv("${k.toUpperCase()}", "${SLOT}")\n    assert client().authenticated`),
  fam('html-meta', 'code-html', 'kebab', 'md', 'html', ['index.html', 'public/index.html'], (k) => `<meta name="${k}" content="${SLOT}">`),
  fam('sql-insert', 'code-sql', 'snake', 'ini', 'sql', ['migrations/001_seed.sql', 'seed.sql'], (k) => `INSERT INTO settings (name, value) VALUES ('${k}', '${SLOT}');`),
  fam('dockerfile-env', 'code-docker', 'upper', 'sh', 'Dockerfile', ['Dockerfile'], (k) => `ENV ${k}=${SLOT}`),
  fam('npmrc', 'config-ini', 'none', 'ini', 'npmrc', ['.npmrc'], () => `//registry.npmjs.org/:_authToken=${SLOT}`, { secretOnly: true }),
  fam('lua-assign', 'code-lua', 'snake', 'rs', 'lua', ['config.lua'], (k) => `local ${k} = "${SLOT}"`),
  fam('r-assign', 'code-r', 'snake', 'py', 'R', ['analysis.R'], (k) => `${k} <- "${SLOT}"`),
  fam('scala-val', 'code-scala', 'camel', 'java', 'scala', ['src/main/scala/Config.scala'], (k) => `  val ${k}: String = "${SLOT}"`),
  fam('groovy-jenkins', 'config-ci', 'upper', 'java', 'groovy', ['Jenkinsfile'], (k) => `    environment {\n        ${k} = '${SLOT}'\n    }`),
  fam('prose-bare', 'chat', 'none', 'prose', 'txt', [''], () => `${SLOT}`),
  fam('log-bare', 'log', 'none', 'log', 'log', ['logs/app.log'], () => `2024-05-01T10:22:33.412Z DEBUG processed ${SLOT} in 12ms`),
  // ---- Round 2 (issue 5): more languages and config formats for generic assignments ----
  fam('perl-my', 'code-perl', 'snake', 'pl', 'pl', ['lib/Acme/Client.pm', 'script/sync.pl'], (k) => `my $${k} = '${SLOT}';`),
  fam('elixir-config', 'code-elixir', 'snake', 'ex', 'exs', ['config/prod.exs', 'config/runtime.exs'], (k) => `config :acme, Acme.Client,\n  ${k}: "${SLOT}",\n  timeout: 30_000`),
  fam('dart-const', 'code-dart', 'camel', 'dart', 'dart', ['lib/config.dart', 'lib/env.dart'], (k) => `  static const String ${k} = '${SLOT}';`),
  fam('go-setenv', 'code-go', 'upper', 'go', 'go', ['cmd/worker/main.go', 'internal/setup.go'], (k) => `\tos.Setenv("${k}", "${SLOT}")`),
  fam('java-setprop', 'code-java', 'dot', 'java', 'java', ['src/main/java/com/acme/Bootstrap.java'], (k) => `        System.setProperty("${k}", "${SLOT}");`),
  fam('py-headers', 'code-python', 'kebab', 'py', 'py', ['app/clients/http.py', 'sync.py'], (k) => `headers = {\n    "Content-Type": "application/json",\n    "X-${k}": "${SLOT}",\n}`),
  fam('js-axios', 'code-js', 'kebab', 'js', 'js', ['src/api/client.js', 'lib/http.js'], (k) => `const api = axios.create({\n  baseURL: 'https://api.acme.io',\n  headers: { 'x-${k}': '${SLOT}' },\n});`),
  fam('ts-class-field', 'code-js', 'camel', 'js', 'ts', ['src/services/payments.ts', 'src/lib/mailer.ts'], (k) => `export class Client {\n  private readonly ${k} = '${SLOT}';\n}`),
  fam('php-env-default', 'code-php', 'upper', 'php', 'php', ['config/mail.php', 'config/database.php'], (k) => `    '${k.toLowerCase()}' => env('${k}', '${SLOT}'),`),
  fam('cs-connstr', 'code-csharp', 'pascal', 'cs', 'cs', ['Data/DbFactory.cs'], (k) => `        var conn = "Server=sql01;Database=orders;User Id=app;${k}=${SLOT};";`),
  fam('spring-yaml', 'config-yaml', 'kebab', 'yaml', 'yml', ['src/main/resources/application-prod.yml'], (k) => `spring:\n  datasource:\n    username: app\n    ${k}: ${SLOT}`),
  fam('helm-values', 'config-k8s', 'camel', 'yaml', 'yaml', ['charts/api/values.yaml', 'helm/values-prod.yaml'], (k) => `global:\n  image:\n    tag: 1.4.2\napi:\n  credentials:\n    ${k}: ${SLOT}`),
  fam('ansible-vars', 'config-yaml', 'snake', 'yaml', 'yml', ['group_vars/all.yml', 'roles/db/defaults/main.yml'], (k) => `app_user: deploy\nvault_${k}: "${SLOT}"`),
  fam('hcl-provider', 'config-terraform', 'snake', 'hcl', 'tf', ['providers.tf', 'infra/main.tf'], (k) => `provider "acme" {\n  endpoint = "https://api.acme.io"\n  ${k} = "${SLOT}"\n}`),
  fam('nginx-header', 'config-nginx', 'kebab', 'nginx', 'conf', ['nginx/conf.d/api.conf', 'deploy/nginx.conf'], (k) => `        proxy_set_header X-${k} "${SLOT}";`),
  fam('systemd-env', 'config-systemd', 'upper', 'ini', 'service', ['deploy/acme-api.service', 'etc/systemd/system/worker.service'], (k) => `[Service]\nEnvironment="${k}=${SLOT}"\nExecStart=/usr/bin/acme-api`),
  fam('docker-run', 'code-shell', 'upper', 'sh', 'sh', ['scripts/run-local.sh', 'Makefile'], (k) => `docker run -d --name api -e ${k}=${SLOT} -p 8080:8080 acme/api:latest`),
  fam('kubectl-literal', 'code-shell', 'kebab', 'sh', 'sh', ['scripts/bootstrap.sh', 'ops/create-secrets.sh'], (k) => `kubectl create secret generic api --from-literal=${k}=${SLOT} -n prod`),
  fam('cli-flag', 'code-shell', 'kebab', 'sh', 'sh', ['scripts/sync.sh', 'ci/publish.sh'], (k) => `./bin/acme-cli deploy --region eu-west-1 --${k}=${SLOT}`),
  fam('properties-colon', 'config-properties', 'dot', 'ini', 'properties', ['config/app.properties', 'gradle.properties'], (k) => `${k}: ${SLOT}`),
  fam('json-nested', 'config-json', 'camel', 'yaml', 'json', ['config/default.json', 'secrets.json'], (k) => `{\n  "auth": {\n    "provider": "acme",\n    "credentials": {\n      "${k}": "${SLOT}"\n    }\n  }\n}`),
  fam('xml-element', 'config-xml', 'camel', 'yaml', 'xml', ['conf/settings.xml', 'src/main/resources/beans.xml'], (k) => `<server>\n  <id>acme</id>\n  <${k}>${SLOT}</${k}>\n</server>`),
  fam('chat-json-paste', 'chat', 'camel', 'prose', 'txt', [''], (k) => `this is my config, what's wrong?\n\n{\n  "${k}": "${SLOT}",\n  "endpoint": "https://api.acme.io"\n}`),
  fam('chat-error', 'chat', 'snake', 'prose', 'txt', [''], (k) => `I keep getting 403 Forbidden from the API even though I set ${k} to ${SLOT} in the dashboard. Any ideas?`),
  fam('chat-env-dump', 'chat', 'upper', 'prose', 'txt', [''], (k) => `output of printenv:\nHOME=/home/dev\n${k}=${SLOT}\nPATH=/usr/local/bin:/usr/bin`),
  fam('log-json', 'log', 'camel', 'log', 'log', ['logs/app.jsonl'], (k) => `{"level":"debug","ts":"2024-05-01T10:22:33Z","msg":"outgoing request","${k}":"${SLOT}","status":200}`),
];
