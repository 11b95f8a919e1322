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

export const FAMILIES: Family[] = [
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
];
