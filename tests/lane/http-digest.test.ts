/** The digest hashing against the worked examples of RFC 2617 (MD5) and RFC 7616 (SHA-256, MD5). */
import { describe, expect, it } from 'vitest';
import { digestResponse, parseDigestChallenge } from '../../src-main/lane/http-digest.js';

describe('HTTP digest', () => {
  it('RFC 2617 section 3.5: Mufasa / Circle Of Life, qop=auth', () => {
    const challenge = parseDigestChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    )!;
    expect(challenge).toMatchObject({ realm: 'testrealm@host.com', qop: 'auth', algorithm: 'MD5', opaque: '5ccc069c403ebaf9f0171e9517f40e41' });
    const r = digestResponse({ username: 'Mufasa', password: 'Circle Of Life', method: 'GET', uri: '/dir/index.html', challenge, nc: 1, cnonce: '0a4f113b' });
    expect(r).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('RFC 7616 section 3.9.1: SHA-256 and MD5 with the same challenge', () => {
    const base = 'realm="http-auth@example.org", qop="auth, auth-int", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
    const input = { username: 'Mufasa', password: 'Circle of Life', method: 'GET', uri: '/dir/index.html', nc: 1, cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' };
    const sha = parseDigestChallenge(`Digest ${base}, algorithm=SHA-256`)!;
    expect(digestResponse({ ...input, challenge: sha })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    const md5 = parseDigestChallenge(`Digest ${base}, algorithm=MD5`)!;
    expect(digestResponse({ ...input, challenge: md5 })).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('is not fooled by a Basic challenge or one without a nonce', () => {
    expect(parseDigestChallenge('Basic realm="x"')).toBeNull();
    expect(parseDigestChallenge('Digest realm="x"')).toBeNull();
    expect(parseDigestChallenge(['Basic realm="x"', 'Digest realm="y", nonce="n"'])).toMatchObject({ realm: 'y', nonce: 'n', qop: null });
  });
});
