/** OIDC Front-Channel Logout 1.0 §2, §4: one frame per client, with iss and sid, and exactly their origins. */
import t from 'tap';
import { frameOrigins, frontChannelFrames } from '../../../src/oidc/logout/index.js';
import { oidcClient } from '../../helpers/oidc-fixtures.js';

const ISSUER = 'https://auth.example.com';
const a = oidcClient({ client_id: 'a', redirect_uris: ['https://a.example.com/cb'], frontchannel_logout_uri: 'https://a.example.com/logout?x=1' });
const b = oidcClient({ client_id: 'b', redirect_uris: ['https://b.example.com:8443/cb'], frontchannel_logout_uri: 'https://b.example.com:8443/fc', frontchannel_logout_session_required: true });
const c = oidcClient({ client_id: 'c' });
const a2 = oidcClient({ client_id: 'a2', redirect_uris: ['https://a.example.com/cb'], frontchannel_logout_uri: 'https://a.example.com/other' });

t.test('OIDC Front-Channel Logout 1.0 §2: iss and sid in each frame\'s query; clients without a URI have none', async (t) => {
  const frames = frontChannelFrames(ISSUER, 'sid 1', [a, b, c, a, a2]);
  t.same(frames, [
    { client_id: 'a', src: 'https://a.example.com/logout?x=1&iss=https%3A%2F%2Fauth.example.com&sid=sid+1' },
    { client_id: 'b', src: 'https://b.example.com:8443/fc?iss=https%3A%2F%2Fauth.example.com&sid=sid+1' },
    { client_id: 'a2', src: 'https://a.example.com/other?iss=https%3A%2F%2Fauth.example.com&sid=sid+1' },
  ], 'once per client, in order');
  t.same(frameOrigins(frames), ['https://a.example.com', 'https://b.example.com:8443'], 'exactly the frames\' origins, once each');
});

t.test('OIDC Front-Channel Logout 1.0 §2: without a sid, a client that requires one gets no frame', async (t) => {
  t.same(frontChannelFrames(ISSUER, undefined, [a, b]), [{ client_id: 'a', src: 'https://a.example.com/logout?x=1' }]);
});
