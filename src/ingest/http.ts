// The polite fetcher every source uses. Pacing is per SERVICE, not per host: arXiv's API, OAI-PMH and RSS
// hosts share one budget, requests to one service go one at a time over one kept-alive connection, and
// with a database the budget is shared by every process of the deployment. It also honours 429 (the
// service is left alone for a long pause), 503 + Retry-After (arXiv's flow control) and rate-limit
// headers, retries transient failures with jittered exponential backoff, bounds time and body size, and
// refuses private and loopback destinations unless configured to allow them.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { pauseService, reserveServiceSlot, type ServiceReservation } from '../db/jobs.ts';
import type { Logger } from '../log.ts';
import type { Services } from '../services.ts';

/** The outside services we talk to; each has its own request budget. */
export type Service = 'arxiv' | 'github' | 'hf';

export type HttpErrorKind = 'network' | 'timeout' | 'too_large' | 'status' | 'paused' | 'refused' | 'aborted';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    message: string,
    readonly kind: HttpErrorKind,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** The service asked us to stay away (429, exhausted rate limit); nothing is sent until `until`. */
export class ServicePausedError extends HttpError {
  override name = 'ServicePausedError';
  constructor(
    readonly service: Service,
    readonly until: number,
    reason: string,
  ) {
    super(`${service} is paused until ${new Date(until).toISOString()} (${reason})`, 'paused');
  }
}

export interface HttpResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Where request slots and pauses are kept: in memory for one process, in the database for a deployment. */
export interface PacingStore {
  reserve(service: Service, intervalMs: number): Promise<ServiceReservation>;
  pause(service: Service, untilMs: number, reason: string): Promise<void>;
}

export function memoryPacingStore(): PacingStore {
  const state = new Map<Service, { nextAt: number; pausedUntil: number; reason: string | null }>();
  const get = (s: Service) => state.get(s) ?? { nextAt: 0, pausedUntil: 0, reason: null };
  return {
    async reserve(service, intervalMs) {
      const s = get(service);
      const now = Date.now();
      if (s.pausedUntil > now) return { startAt: now, pausedUntil: s.pausedUntil, pauseReason: s.reason };
      const startAt = Math.max(now, s.nextAt);
      state.set(service, { ...s, nextAt: startAt + intervalMs });
      return { startAt, pausedUntil: null, pauseReason: null };
    },
    async pause(service, untilMs, reason) {
      const s = get(service);
      state.set(service, { nextAt: Math.max(s.nextAt, untilMs), pausedUntil: untilMs, reason });
    },
  };
}

export function databasePacingStore(database: Database): PacingStore {
  return {
    reserve: (service, intervalMs) => reserveServiceSlot(database, service, intervalMs),
    pause: (service, untilMs, reason) => pauseService(database, service, untilMs, reason),
  };
}

export interface HttpClientOptions {
  userAgent: string;
  /** Minimum gap between the starts of two requests to a service. */
  intervals: Record<Service, number>;
  timeoutMs: number;
  maxBodyBytes: number;
  maxRetries: number;
  retryBaseMs: number;
  rateLimitPauseMs: number;
  maxRetryAfterMs: number;
  allowPrivateNetwork: boolean;
  pacing: PacingStore;
  logger?: Logger;
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const MAX_BACKOFF_MS = 5 * 60_000;

export class HttpClient {
  private readonly queues = new Map<Service, Promise<unknown>>();
  private readonly agents = new Map<string, http.Agent>();

  constructor(readonly options: HttpClientOptions) {}

  /**
   * GETs a URL on behalf of a service. Returns every final response, including 304 and 4xx, for the
   * caller to judge; throws HttpError when the service could not be reached or kept failing, and
   * ServicePausedError when the service told us to back off.
   */
  get(service: Service, url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    // One request at a time per service: chained on the previous one, whatever its outcome.
    const previous = this.queues.get(service) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.getWithRetries(service, url, options));
    this.queues.set(service, next);
    return next;
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private async getWithRetries(service: Service, url: string, options: RequestOptions): Promise<HttpResponse> {
    const { maxRetries, retryBaseMs } = this.options;
    for (let attempt = 1; ; attempt++) {
      await this.waitForSlot(service, options.signal);
      let response: HttpResponse;
      try {
        response = await this.followRedirects(service, url, options);
      } catch (e) {
        const err = e instanceof HttpError ? e : new HttpError(String(e), 'network');
        if ((err.kind !== 'network' && err.kind !== 'timeout') || attempt > maxRetries) throw err;
        const delay = backoff(retryBaseMs, attempt);
        this.options.logger?.warn({ service, url: redactUrl(url), attempt, retryInMs: delay, error: err.message }, 'request failed, retrying');
        await sleep(delay, options.signal);
        continue;
      }
      await this.honourRateLimitHeaders(service, response);
      if (response.status === 429 || (response.status === 403 && response.headers['x-ratelimit-remaining'] === '0')) {
        const retryAfter = retryAfterMs(response.headers['retry-after']) ?? 0;
        const resetIn = rateLimitResetMs(response.headers['x-ratelimit-reset']) ?? 0;
        const until = Date.now() + Math.max(this.options.rateLimitPauseMs, retryAfter, resetIn);
        await this.options.pacing.pause(service, until, `HTTP ${response.status} from ${hostOf(url)}`);
        this.options.logger?.warn({ service, status: response.status, until: new Date(until).toISOString() }, 'rate limited: pausing the service');
        throw new ServicePausedError(service, until, `HTTP ${response.status} from ${hostOf(url)}`);
      }
      if (!RETRYABLE_STATUS.has(response.status)) return response;
      if (attempt > maxRetries) {
        throw new HttpError(`${hostOf(url)} answered HTTP ${response.status} ${attempt} times`, 'status', response.status);
      }
      // arXiv's flow control: 503 with Retry-After says exactly how long to wait.
      const retryAfter = response.status === 503 ? retryAfterMs(response.headers['retry-after']) : null;
      if (retryAfter !== null && retryAfter > this.options.maxRetryAfterMs) {
        throw new HttpError(`${hostOf(url)} asked us to retry after ${Math.round(retryAfter / 1000)} s; giving up for now`, 'status', 503);
      }
      const delay = retryAfter ?? backoff(retryBaseMs, attempt);
      this.options.logger?.warn({ service, url: redactUrl(url), status: response.status, attempt, retryInMs: delay }, 'server busy, retrying');
      await sleep(delay, options.signal);
    }
  }

  private async waitForSlot(service: Service, signal?: AbortSignal): Promise<void> {
    const reservation = await this.options.pacing.reserve(service, this.options.intervals[service]);
    if (reservation.pausedUntil !== null) {
      throw new ServicePausedError(service, reservation.pausedUntil, reservation.pauseReason ?? 'paused');
    }
    await sleep(reservation.startAt - Date.now(), signal);
  }

  /** Exhausted quota (GitHub's X-RateLimit-*): pause the service until the window resets. */
  private async honourRateLimitHeaders(service: Service, response: HttpResponse): Promise<void> {
    if (response.headers['x-ratelimit-remaining'] !== '0') return;
    const resetIn = rateLimitResetMs(response.headers['x-ratelimit-reset']);
    if (resetIn === null || resetIn <= 0) return;
    await this.options.pacing.pause(service, Date.now() + resetIn, 'rate limit exhausted (X-RateLimit-Remaining: 0)');
  }

  private async followRedirects(service: Service, url: string, options: RequestOptions): Promise<HttpResponse> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const response = await this.once(service, current, options);
      const location = response.headers.location;
      if (!REDIRECT_STATUS.has(response.status) || !location) return response;
      if (hop >= MAX_REDIRECTS) throw new HttpError(`too many redirects from ${hostOf(url)}`, 'status', response.status);
      current = new URL(location, current).toString();
    }
  }

  private async once(service: Service, url: string, options: RequestOptions): Promise<HttpResponse> {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new HttpError(`refusing ${target.protocol} URL`, 'refused');
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host) && !this.options.allowPrivateNetwork && isPrivateAddress(host)) {
      throw new HttpError(`refusing to connect to private address ${host} (set ALLOW_PRIVATE_NETWORK=true to allow)`, 'refused');
    }
    const lib = target.protocol === 'https:' ? https : http;
    const { timeoutMs, maxBodyBytes } = this.options;
    return new Promise<HttpResponse>((resolve, reject) => {
      const fail = (err: HttpError) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        req.destroy();
        reject(err);
      };
      const onAbort = () => fail(new HttpError('request aborted', 'aborted'));
      const req = lib.request(
        target,
        {
          method: 'GET',
          agent: this.agentFor(service, target.protocol),
          lookup: this.options.allowPrivateNetwork ? undefined : publicOnlyLookup,
          headers: {
            'user-agent': this.options.userAgent,
            'accept-encoding': 'gzip',
            ...options.headers,
          },
        },
        (res) => {
          const declared = Number(res.headers['content-length'] ?? 0);
          const gzipped = /gzip/i.test(String(res.headers['content-encoding'] ?? ''));
          if (!gzipped && declared > maxBodyBytes) return fail(new HttpError(`response larger than ${maxBodyBytes} bytes`, 'too_large'));
          const stream: NodeJS.ReadableStream = gzipped ? res.pipe(zlib.createGunzip()) : res;
          // pipe() does not forward errors: a connection cut mid-body must fail the request, not hang it.
          if (gzipped) res.on('error', (e: Error) => fail(new HttpError(`reading ${hostOf(url)}: ${e.message}`, 'network')));
          const parts: Buffer[] = [];
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBodyBytes) return fail(new HttpError(`response larger than ${maxBodyBytes} bytes`, 'too_large'));
            parts.push(chunk);
          });
          stream.on('error', (e: Error) => fail(new HttpError(`reading ${hostOf(url)}: ${e.message}`, 'network')));
          stream.on('end', () => {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
            resolve({ url, status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: Buffer.concat(parts).toString('utf8') });
          });
        },
      );
      const timer = setTimeout(() => fail(new HttpError(`${hostOf(url)} did not answer within ${timeoutMs} ms`, 'timeout')), timeoutMs);
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPRIVATE') return fail(new HttpError(e.message, 'refused'));
        fail(new HttpError(`cannot reach ${hostOf(url)} (${e.code ?? e.message})`, 'network'));
      });
      req.end();
    });
  }

  private agentFor(service: Service, protocol: string): http.Agent {
    const key = `${service} ${protocol}`;
    let agent = this.agents.get(key);
    if (!agent) {
      // One kept-alive connection per service: requests queue behind each other instead of fanning out.
      const options = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1 };
      agent = protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
      this.agents.set(key, agent);
    }
    return agent;
  }
}

// ---- destinations ----

const privateRanges = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  privateRanges.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  privateRanges.addSubnet(prefix, bits, 'ipv6');
}

/** Loopback, private, link-local, carrier-grade NAT, multicast and reserved addresses (IPv4-mapped too). */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return privateRanges.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return privateRanges.check(mapped[1], 'ipv4');
    return privateRanges.check(address, 'ipv6');
  }
  return true;
}

/**
 * DNS lookup that refuses private answers. It runs at connect time, so the address checked is the
 * address used (a name cannot resolve to a public address for a check and a private one for the request).
 */
const publicOnlyLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad || !list.length) {
      const refusal = Object.assign(
        new Error(`refusing to connect to ${hostname}: it resolves to private address ${bad?.address ?? '(none)'} (set ALLOW_PRIVATE_NETWORK=true to allow)`),
        { code: 'EPRIVATE' },
      );
      return callback(refusal, '', 0);
    }
    if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0].address, list[0].family);
  });
};

// ---- small helpers ----

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

/** Retry-After as seconds or an HTTP date, in ms from now. */
export function retryAfterMs(value: string | undefined): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** X-RateLimit-Reset is epoch seconds (GitHub); recordings sometimes carry epoch ms. */
function rateLimitResetMs(value: string | undefined): number | null {
  if (!value || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  const at = n > 1e12 ? n : n * 1000;
  return at - Date.now();
}

/** Exponential backoff with full jitter between half and one and a half times the step. */
export function backoff(baseMs: number, attempt: number): number {
  const step = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (attempt - 1));
  return Math.round(step * (0.5 + Math.random()));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(new HttpError('aborted', 'aborted')) : Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new HttpError('aborted', 'aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** URLs in logs lose their query string: tokens and ids there are noise, and some services put keys there. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

export function userAgentFor(config: Config): string {
  return `Paperfeed/0.1 (+${config.baseUrl}; mailto:${config.CONTACT_EMAIL})`;
}

export function httpClientOptions(config: Config, pacing: PacingStore, logger?: Logger): HttpClientOptions {
  return {
    userAgent: userAgentFor(config),
    intervals: { arxiv: config.ARXIV_MIN_INTERVAL_MS, github: config.GITHUB_MIN_INTERVAL_MS, hf: config.HF_MIN_INTERVAL_MS },
    timeoutMs: config.HTTP_TIMEOUT_MS,
    maxBodyBytes: config.HTTP_MAX_BODY_BYTES,
    maxRetries: config.HTTP_MAX_RETRIES,
    retryBaseMs: config.HTTP_RETRY_BASE_MS,
    rateLimitPauseMs: config.HTTP_429_PAUSE_MS,
    maxRetryAfterMs: config.HTTP_MAX_RETRY_AFTER_MS,
    allowPrivateNetwork: config.ALLOW_PRIVATE_NETWORK,
    pacing,
    logger,
  };
}

/** What a source needs to run: the services it uses, and optionally a stop signal and a progress reporter. */
export type SourceContext = Pick<Services, 'config' | 'database' | 'logger' | 'http'> & {
  signal?: AbortSignal;
  /** Reports counts so far, so that status shows a long harvest's progress. */
  progress?: (counts: Record<string, number>) => void;
};

/** A source answered something unusable (HTML instead of XML, an error status, a protocol error). */
export class SourceError extends Error {
  override name = 'SourceError';
}

/** Names what came back, for error messages: "an HTML page (HTTP 200, text/html)". */
export function describeResponse(res: HttpResponse): string {
  const type = res.headers['content-type'] ?? 'no content type';
  const looksHtml = /html/i.test(type) || /^\s*(<!doctype html|<html)/i.test(res.body);
  return `${looksHtml ? 'an HTML page' : 'a response'} (HTTP ${res.status}, ${type})`;
}
