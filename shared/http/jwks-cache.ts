// The JWKS cache of every token verifier. aws-jwt-verify fetches JWKS with Node's `https` module
// only; the platform `fetch` makes the same request on AWS (https) and also reaches the local
// Cognito stand-in, whose issuer is plain http on the loopback.
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

export const jwksCache = new SimpleJwksCache({
  fetcher: {
    fetch: async (uri: string) => {
      const res = await fetch(uri, { signal: AbortSignal.timeout(3000) });
      if (!res.ok) throw new Error(`JWKS ${uri}: HTTP ${res.status}`);
      return res.arrayBuffer();
    },
  },
});
