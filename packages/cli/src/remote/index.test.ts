/** @module Tests of remote resolution, git credential lookup and token lookup. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findAuthToken, findGitCredentials, isLocalRemote, resolveRemote } from './index.ts';

describe('resolveRemote', () => {
  it('defaults to the local all-in-one server', () => {
    assert.equal(resolveRemote(undefined, {}), 'http://127.0.0.1:7200/lifecycle');
  });

  it('uses the stored current remote, replacing aliases', () => {
    const config = { lifecycle_url: 'dev', lifecycle_url_aliases: { dev: 'https://racetrack.dev.example.com/lifecycle' } };
    assert.equal(resolveRemote(undefined, config), 'https://racetrack.dev.example.com/lifecycle');
    assert.equal(resolveRemote('http://127.0.0.1:7102', config), 'http://127.0.0.1:7102/lifecycle');
  });

  it('adds https:// (http:// for localhost) and /lifecycle when missing', () => {
    assert.equal(resolveRemote('racetrack.example.com', {}), 'https://racetrack.example.com/lifecycle');
    assert.equal(resolveRemote('localhost:7200', {}), 'http://localhost:7200/lifecycle');
    assert.equal(resolveRemote('127.0.0.1:7200/', {}), 'http://127.0.0.1:7200/lifecycle');
    assert.equal(resolveRemote('https://example.com/rt/lifecycle/', {}), 'https://example.com/rt/lifecycle');
  });

  it('explains a remote that is neither alias nor URL', () => {
    assert.throws(() => resolveRemote('http://', { lifecycle_url_aliases: { dev: 'x' } }), /neither a known alias nor a URL \(known aliases: dev\)/);
  });
});

describe('isLocalRemote', () => {
  it('recognises loopback hosts', () => {
    for (const url of ['http://127.0.0.1:7200/lifecycle', 'http://localhost/lifecycle', 'http://[::1]:7200/lifecycle']) assert.equal(isLocalRemote(url), true);
    assert.equal(isLocalRemote('https://racetrack.example.com/lifecycle'), false);
  });
});

describe('findGitCredentials', () => {
  const alice = { username: 'alice', password: 'a' };
  const bob = { username: 'bob', password: 'b' };
  it('tries the exact URL, then path, host URL and host', () => {
    const config = { git_credentials: { 'https://github.com/org/repo': alice, 'https://github.com': bob, 'gitlab.example.com': alice } };
    assert.deepEqual(findGitCredentials(config, 'https://github.com/org/repo'), alice);
    assert.deepEqual(findGitCredentials(config, 'https://github.com/other/repo'), bob);
    assert.deepEqual(findGitCredentials(config, 'https://gitlab.example.com/x/y'), alice);
    assert.equal(findGitCredentials(config, '/tmp/local-repo'), undefined);
  });
});

describe('findAuthToken', () => {
  it('finds tokens by resolved URL', () => {
    assert.equal(findAuthToken({ user_auths: { 'http://127.0.0.1:7200/lifecycle': 't' } }, 'http://127.0.0.1:7200/lifecycle'), 't');
  });
});
