import { LEVER_OAUTH_AUDIENCE, LeverOAuthClient } from './lever-oauth';

const options = {
  url: 'http://lever-sandbox:4010/',
  clientId: 'client',
  clientSecret: 'secret',
  redirectUrl: 'http://localhost:3001/oauth/lever/callback',
};

describe('LeverOAuthClient.authorizeUrl', () => {
  it("sends the browser to the OAuth server's /authorize with the client, state, audience and scopes", () => {
    const url = new URL(new LeverOAuthClient(options).authorizeUrl('the-state'));
    expect(`${url.origin}${url.pathname}`).toBe('http://lever-sandbox:4010/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'client',
      redirect_uri: options.redirectUrl,
      response_type: 'code',
      state: 'the-state',
      audience: LEVER_OAUTH_AUDIENCE,
    });
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['offline_access', 'webhooks:write:admin']));
  });

  it('uses authorizeUrl for the browser when the apps reach the server by another name (docker compose)', () => {
    const url = new URL(new LeverOAuthClient({ ...options, authorizeUrl: 'http://localhost:4010/' }).authorizeUrl('s'));
    expect(`${url.origin}${url.pathname}`).toBe('http://localhost:4010/authorize');
  });
});
