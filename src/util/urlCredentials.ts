/** A URL split into the address to print and send to, and the user:password it carried (if any). */
export interface UrlCredentials {
  /** The URL without any user:password part, without a trailing slash; safe to print. */
  address: string;
  /** The decoded user name and password written inside the URL, when it had them. */
  basic?: { username: string; password: string };
}

/**
 * Splits `scheme://user:password@host/path` into a printable address and its credentials, so messages
 * never show a password written inside a setting (fetch also refuses URLs that carry credentials).
 * An unparsable URL is returned as '(invalid URL)': its text may hold a secret.
 * @example splitUrlCredentials('http://kit:s3cret@nessie:19120/') // { address: 'http://nessie:19120', basic: {…} }
 */
export function splitUrlCredentials(text: string): UrlCredentials {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { address: '(invalid URL)' };
  }
  const basic =
    url.username || url.password
      ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
      : undefined;
  url.username = '';
  url.password = '';
  return { address: url.href.replace(/\/+$/, ''), ...(basic ? { basic } : {}) };
}
