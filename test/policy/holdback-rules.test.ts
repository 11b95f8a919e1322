// The engine's hold-back rules one by one (src/detect/holdback.ts), on the bundled packs: what a
// stream's tail must keep back, and what it must release at once.
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/detect/engine.js';
import type { DetectEngine } from '../../src/detect/types.js';

let engine: DetectEngine;
beforeAll(() => {
  engine = createEngine({ packPaths: ['filter-packs'] });
});

/** Held characters of `before + tail`, checked to be exactly `tail`. */
function holdsExactly(before: string, tail: string): void {
  expect(engine.holdback(before + tail), JSON.stringify(before + tail)).toBe(tail.length);
}

describe('hold-back rules', () => {
  it('a run cut right after a hyphen is held whole, not just its dashes', () => {
    holdsExactly('token: ', 'xoxb-');
    holdsExactly('Use ', 'xoxb-441358304483-');
    holdsExactly('Use ', 'sk-');
    holdsExactly('Use ', 'akab-');
    holdsExactly('see ', 'de91e21f-1fb1-');
  });

  it('partial BEGIN markers, with or without their closing dashes', () => {
    for (const tail of ['-', '---', '-----', '-----BEG', '-----BEGIN RSA PRIV', '-----BEGIN RSA PRIVATE KEY--', '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY --']) {
      holdsExactly('Here is the key:\n', tail);
    }
  });

  it('an open private-key block is held until its END line is complete', () => {
    const body = 'MIIEowIBAAKCAQEA7Xq9vQ2mLp7RtZ4abcdEFGH\nQ2mLp7RtZ4abcdEFGHMIIEowIBAAKCAQEA7Xq9v';
    for (const [begin, end] of [
      ['-----BEGIN RSA PRIVATE KEY-----', '-----END RSA PRIVATE KEY'],
      ['---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----', '---- END SSH2 ENCRYPTED PRIVATE KEY --'],
      ['PuTTY-User-Key-File-3: ssh-ed25519', 'Private-MAC: ee75a18cef6edcb64063b6ef'],
    ] as const) {
      holdsExactly('Save this:\n', `${begin}\n${body}\n`);
      holdsExactly('Save this:\n', `${begin}\n${body}\n${end}`);
    }
    // Closed: nothing of the block is held any more.
    expect(engine.holdback(`x\n-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`)).toBe(0);
  });

  it('an XML element value waits for its closing tag, even across whitespace', () => {
    holdsExactly('<dbPassword>\n  ', 'Wq8zL3xR9vTk');
    holdsExactly('<dbPassword>\n  ', 'Wq8zL3xR9vTk\n');
    holdsExactly('<dbPassword>\n  ', 'Wq8zL3xR9vTk\n</dbPass');
    expect(engine.holdback('<dbPassword>\n  Wq8zL3xR9vTk\n</dbPassword>\n')).toBe(0);
    // A prose value in markup is not held.
    expect(engine.holdback('<b>important</b> ')).toBe(0);
  });

  it('values after cues, quotes and openers', () => {
    holdsExactly('password = ', 'hunter');
    holdsExactly('Authorization: Splunk ', 'de');
    holdsExactly('Authorization: Bot ', 'Nz');
    holdsExactly('System.setProperty("SERVICE_TOKEN", ', '"Lq9vX2z');
    holdsExactly('set it to ', '`abc');
    holdsExactly('{"token":"', 'abc');
    // Accented letters stay in the run: a password may have them.
    holdsExactly('password = ', '"pässwö');
    holdsExactly('Passwort: ', 'Grüß');
  });

  it('known prefixes, capitals, hex-like and vowel-less runs are held while they form', () => {
    for (const tail of ['s', 'sk', 'gh', 'ghp', 'ghp_', 'A', 'AK', 'AKI', 'AKIA', 'AKIAQ', 'hvs.', 'ya29.', 'de', 'df3d', 'xkcd', 'abc1', 'aB', 'postgres']) {
      holdsExactly('Use ', tail);
    }
  });

  it('a random-looking token waits for the rest of its line (a keyword after it may make it a finding)', () => {
    const token = 'Nz9DiQmnuPwtO2zGDPnCPnbP.tqgg-q.DeaRfCOImUy2ROnaie7LuwROK4l';
    holdsExactly('Then:\n', `client.login("${token}") // b`);
    expect(engine.holdback(`client.login("${token}") // bot\n`)).toBe(0);
    // Past 64 characters of the line, it is released.
    expect(engine.holdback(`id ${token} ${'and some ordinary words after it '.repeat(3)}`)).toBe(0);
  });

  it('releases prose: words, punctuation, whitespace, markdown, minified JSON of plain words', () => {
    for (const text of [
      'The deployment finished',
      'It works.',
      'Here\u2019s how',
      "don't",
      '**Note**',
      '(see',
      'Example:',
      'well, ',
      '{"location":"Boston","unit":"celsius"}',
      'Привет мир',
    ]) {
      expect(engine.holdback(text), JSON.stringify(text)).toBe(0);
    }
  });

  it('never holds more than the cap', () => {
    const capped = createEngine({ packPaths: ['filter-packs'], maxHoldback: 100 });
    expect(capped.holdback(`Here:\n-----BEGIN RSA PRIVATE KEY-----\n${'A'.repeat(500)}`)).toBe(100);
    expect(capped.holdback(`x ${'aB3'.repeat(300)}`)).toBe(100);
  });
});
