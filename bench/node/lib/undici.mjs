// The tuned workers' HTTP: undici `request` on a keep-alive Agent limited per host. Answers
// with status, headers as [name, value] pairs and the body text; errors carry `kind`
// ('timeout' or 'connect') for the retry rules in lead.mjs.
import { Agent, request } from 'undici';
import { USER_AGENT } from './lead.mjs';

export function undiciSender(perHost) {
  const dispatcher = new Agent({ keepAliveTimeout: 15000, connections: perHost });
  return async (url, timeoutMs) => {
    try {
      const res = await request(url, {
        dispatcher,
        headers: { 'user-agent': USER_AGENT, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5' },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const headers = [];
      for (const [k, v] of Object.entries(res.headers)) {
        for (const x of Array.isArray(v) ? v : [v]) headers.push([k, x]);
      }
      return { status: res.statusCode, headers, body: await res.body.text() };
    } catch (e) {
      const timeout = /timeout|abort/i.test(`${e.name} ${e.code}`);
      throw Object.assign(e, { kind: timeout ? 'timeout' : 'connect' });
    }
  };
}
