// A GCE-style metadata server, enough for google-auth-library's Application Default Credentials
// offline (GCE_METADATA_HOST + METADATA_SERVER_DETECTION=assume-present): project id, service
// account, OAuth access tokens and ID tokens for an audience. Like Google's, it answers only
// requests carrying `Metadata-Flavor: Google` and marks every answer with the same header.
import http from 'node:http';
import { SERVICE_ACCOUNT_EMAIL, type TokenAuthority } from './tokens.js';

const FLAVOR = { 'metadata-flavor': 'Google' } as const;

export interface MetadataServerOptions {
  project: string;
  authority: TokenAuthority;
}

export function createMetadataServer(options: MetadataServerOptions): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metadata');
    const send = (status: number, body: string, type = 'application/text') => {
      res.writeHead(status, { ...FLAVOR, 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.headers['metadata-flavor'] !== 'Google') {
      return send(403, 'Missing required header "Metadata-Flavor": "Google"\n', 'text/plain');
    }
    if (req.method !== 'GET') return send(405, 'Method not allowed\n', 'text/plain');
    const account = /^\/computeMetadata\/v1\/instance\/service-accounts\/(default|[^/]+@[^/]+)\/(.*)$/.exec(url.pathname);
    if (account) {
      const [, who, what] = account;
      if (who !== 'default' && who !== SERVICE_ACCOUNT_EMAIL) return send(404, 'Not Found\n', 'text/plain');
      switch (what) {
        case 'email':
          return send(200, SERVICE_ACCOUNT_EMAIL);
        case 'token':
          return send(200, JSON.stringify(options.authority.issueAccessToken()), 'application/json');
        case 'identity': {
          const audience = url.searchParams.get('audience');
          if (!audience) return send(400, 'non-empty audience parameter required\n', 'text/plain');
          return send(200, options.authority.issueIdToken(audience));
        }
        default:
          return send(404, 'Not Found\n', 'text/plain');
      }
    }
    switch (url.pathname) {
      case '/':
      case '/computeMetadata/v1':
      case '/computeMetadata/v1/':
      case '/computeMetadata/v1/instance':
      case '/computeMetadata/v1/instance/':
        return send(200, 'attributes/\nhostname\nid\nservice-accounts/\nzone\n');
      case '/computeMetadata/v1/project/project-id':
        return send(200, options.project);
      case '/computeMetadata/v1/project/numeric-project-id':
        return send(200, '100000000000');
      case '/computeMetadata/v1/universe/universe-domain':
        return send(200, 'googleapis.com');
      case '/computeMetadata/v1/instance/zone':
        return send(200, 'projects/100000000000/zones/local-a');
      default:
        return send(404, 'Not Found\n', 'text/plain');
    }
  });
}
