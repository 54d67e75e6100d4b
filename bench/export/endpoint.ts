// Endpoint URLs given on the command line: checked once, credentials (user:password@) taken out
// of the URL into a Basic Authorization header, and a printable form that never shows them.
import { InputError } from '../errors.js';

export interface Endpoint {
  /** The URL without credentials. */
  url: URL;
  headers: Record<string, string>;
  /** For messages: no credentials, no query string (it may carry a key). */
  display: string;
}

export function parseEndpoint(option: string, value: string): Endpoint {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`${option}: expected an http:// or https:// URL, got ${JSON.stringify(redactUserinfo(value))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`${option}: expected an http:// or https:// URL, got ${JSON.stringify(url.protocol)}`);
  }
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url, headers, display: `${url.origin}${url.pathname}${url.search ? '?…' : ''}` };
}

function redactUserinfo(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//***@');
}
