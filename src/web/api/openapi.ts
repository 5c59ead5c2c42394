// The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json. Contract tests validate real
// responses against these schemas, so the document cannot drift from the code unnoticed.
import { ERROR_CODES } from '../../errors.ts';

const error = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: Object.keys(ERROR_CODES),
          description: Object.entries(ERROR_CODES)
            .map(([code, meaning]) => `${code}: ${meaning}`)
            .join('\n'),
        },
        message: { type: 'string', description: 'What exactly went wrong, for people.' },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

const user = {
  type: 'object',
  required: ['_id', 'fullname', 'type'],
  properties: {
    _id: { type: 'string' },
    avatarUrl: { type: 'string' },
    isPro: { type: 'boolean' },
    fullname: { type: 'string' },
    user: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string' },
    isHf: { type: 'boolean' },
    isHfAdmin: { type: 'boolean' },
    isMod: { type: 'boolean' },
    isUserFollowing: { type: 'boolean' },
  },
};

const authorUser = {
  type: 'object',
  description:
    "The account an author entry is linked to, in Hugging Face's shape: a Hugging Face account from imported data (avatarUrl as given, possibly relative to huggingface.co), or an account here whose claim a moderator approved (avatarUrl drawn here).",
  required: ['avatarUrl', 'fullname', 'user', 'type'],
  properties: {
    _id: { type: 'string' },
    avatarUrl: { type: 'string' },
    isPro: { type: 'boolean' },
    fullname: { type: 'string' },
    user: { type: 'string', description: 'User name' },
    type: { type: 'string' },
  },
};

const organization = {
  type: 'object',
  description: 'The organisation a paper was published under on Hugging Face; avatar as given, absent when Hugging Face has none.',
  required: ['name', 'fullname'],
  properties: {
    _id: { type: 'string' },
    name: { type: 'string' },
    fullname: { type: 'string' },
    avatar: { type: 'string' },
  },
};

const paper = {
  type: 'object',
  description: "A paper as Hugging Face's /api/papers/{id} returns it, plus Paperfeed's numComments, categories and arxivVersion.",
  required: ['id', 'authors', 'publishedAt', 'title', 'summary', 'upvotes', 'discussionId'],
  properties: {
    id: { type: 'string', description: 'arXiv id without version, e.g. 2506.03569 or hep-th/9901001' },
    authors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['_id', 'name', 'hidden'],
        properties: {
          _id: { type: 'string' },
          name: { type: 'string' },
          hidden: { type: 'boolean' },
          status: {
            type: 'string',
            description:
              "How the entry is linked to an account, in Hugging Face's words: claimed_verified (claimed and verified; also every claim a moderator approved here), admin_assigned, extracted_pending (matched automatically, unconfirmed), extracted_confirmed, extracted_infirmed (the match was turned down). Absent when the entry is linked to nobody.",
          },
          statusLastChangedAt: { type: 'string', format: 'date-time' },
          user: { $ref: '#/components/schemas/AuthorUser' },
        },
      },
    },
    publishedAt: { type: 'string', format: 'date-time' },
    title: { type: 'string' },
    summary: { type: 'string', description: 'The abstract, LaTeX as written.' },
    upvotes: { type: 'integer', minimum: 0 },
    discussionId: { type: 'string' },
    ai_summary: { type: 'string' },
    ai_keywords: { type: 'array', items: { type: 'string' } },
    githubRepo: { type: 'string', description: 'Repository URL as submitted (not always a well-formed URI)' },
    githubStars: { type: 'integer', minimum: 0 },
    projectPage: { type: 'string' },
    submittedOnDailyAt: { type: 'string', format: 'date-time', description: 'Absent for announcements nobody submitted.' },
    submittedOnDailyBy: { $ref: '#/components/schemas/User' },
    organization: { $ref: '#/components/schemas/Organization' },
    mediaUrls: { type: 'array', items: { type: 'string' }, description: 'Videos and images of the paper, as given by Hugging Face.' },
    numComments: { type: 'integer', minimum: 0 },
    categories: { type: 'array', items: { type: 'string' } },
    arxivVersion: { type: 'integer', minimum: 1 },
    trending: {
      type: 'object',
      description: 'Present when the list is ordered by trending score: the score and its parts in upvote units.',
      required: ['score', 'parts'],
      properties: {
        score: { type: 'number' },
        parts: {
          type: 'object',
          required: ['upvotes', 'comments', 'starVelocity', 'stars'],
          properties: {
            upvotes: { type: 'number' },
            comments: { type: 'number' },
            starVelocity: { type: 'number' },
            stars: { type: 'number' },
          },
        },
      },
    },
  },
};

const dailyItem = {
  type: 'object',
  required: ['paper', 'publishedAt', 'title', 'summary', 'thumbnail', 'numComments', 'isAuthorParticipating'],
  properties: {
    paper: { $ref: '#/components/schemas/Paper' },
    publishedAt: { type: 'string', format: 'date-time' },
    title: { type: 'string' },
    summary: { type: 'string' },
    thumbnail: { type: 'string', format: 'uri' },
    numComments: { type: 'integer', minimum: 0 },
    submittedBy: { $ref: '#/components/schemas/User' },
    organization: { $ref: '#/components/schemas/Organization' },
    isAuthorParticipating: {
      type: 'boolean',
      description: "Hugging Face's flag, or true when an author whose claim was approved here takes part in the discussion.",
    },
    mediaUrls: { type: 'array', items: { type: 'string' } },
  },
};

const highlightParts = {
  type: 'array',
  items: { type: 'object', required: ['type', 'text'], properties: { type: { enum: ['text', 'highlight'] }, text: { type: 'string' } } },
};

/** A search hit: the daily-papers item (the one shape of every list) plus Hugging Face's highlights. */
const searchItem = {
  allOf: [
    { $ref: '#/components/schemas/DailyPaper' },
    {
      type: 'object',
      required: ['highlightedTitle', 'highlightedSummary', 'snippet', 'score'],
      properties: {
        highlightedTitle: highlightParts,
        highlightedSummary: highlightParts,
        snippet: { type: 'string', description: 'Paperfeed addition: the passage that matched best.' },
        score: { type: 'number', description: 'Paperfeed addition: the fused relevance score.' },
        scoreParts: { type: 'object', properties: { lexical: { type: 'number' }, semantic: { type: 'number' } } },
      },
    },
  ],
};

const similarItem = {
  allOf: [{ $ref: '#/components/schemas/DailyPaper' }, { type: 'object', required: ['score'], properties: { score: { type: 'number' } } }],
};

const comment = {
  type: 'object',
  required: ['id', 'parentId', 'author', 'body', 'html', 'createdAt', 'editedAt', 'deleted', 'hidden'],
  properties: {
    id: { type: 'string' },
    parentId: { type: ['string', 'null'] },
    author: { oneOf: [{ type: 'null' }, { type: 'object', required: ['username'], properties: { username: { type: 'string' } } }] },
    body: { type: ['string', 'null'], description: 'The Markdown source; null when the comment was deleted or hidden.' },
    html: { type: ['string', 'null'], description: 'The same rendered to safe HTML.' },
    createdAt: { type: 'string', format: 'date-time' },
    editedAt: { type: ['string', 'null'], format: 'date-time' },
    deleted: { type: 'boolean' },
    hidden: { type: 'boolean' },
    replies: { type: 'array', items: { $ref: '#/components/schemas/Comment' } },
  },
};

const errorResponses = {
  '400': { description: 'A parameter is invalid; the message names it.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '429': {
    description: 'Rate limit exceeded (see RateLimit and RateLimit-Policy headers, and Retry-After).',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
};

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

/** What every write adds: a token (or session) is required, and the community quotas apply. */
const writeResponses = {
  '400': { description: 'The body is invalid (bad_json, bad_body, or a rule of the action); the message says why.', content: errorContent },
  '401': { description: 'No, or an unknown, access token (unauthorized, invalid_token).', content: errorContent },
  '403': { description: 'Not allowed (banned, forbidden, csrf for a browser session without X-CSRF-Token).', content: errorContent },
  '413': { description: 'Body over the size limit (too_large).', content: errorContent },
  '429': { description: 'Past the per-account quota (rate_limited), see Retry-After.', content: errorContent },
};

const jsonBody = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
const jsonOk = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });

const rateLimitHeaders = {
  RateLimit: { description: 'Remaining quota: "api";r=<remaining>;t=<seconds to reset>', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'Quota policy: "fixed window";"api";q=<requests>;w=<seconds>', schema: { type: 'string' } },
  ETag: { schema: { type: 'string' } },
};

const arxivIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'arXiv id, new style (2506.03569) or old style (hep-th/9901001)',
  schema: { type: 'string' },
};

const period = (name: string, pattern: string, example: string, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', pattern, examples: [example] },
});

const searchResponses = {
  '200': {
    description: "Matching papers, best first: daily-papers items (as every list) with Hugging Face's search highlights",
    headers: { ...rateLimitHeaders, 'X-Total-Count': { schema: { type: 'string' } } },
    content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/SearchItem' } } } },
  },
  '304': { description: 'Not modified' },
  ...errorResponses,
};

export function openApiDocument(baseUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Paperfeed API',
      version: '1.0.0',
      description:
        "Daily Papers, papers and search, and the community's upvotes, comments and submissions. Shapes follow Hugging Face's papers API so its clients work unchanged. Reads are anonymous, rate limited per client address, and readable from any origin (CORS). Writes need a personal access token (Settings → Access tokens) sent as `Authorization: Bearer pf_…`. Unknown query parameters are ignored; a bad value of a known one is a 400 naming it.",
    },
    servers: [{ url: baseUrl }],
    paths: {
      '/api/daily_papers': {
        get: {
          operationId: 'listDailyPapers',
          summary: 'Papers of a day, ISO week or month (default: the latest day with papers)',
          description:
            'Submitted papers ranked by upvotes; a period nobody submitted papers for lists its arXiv announcements ranked by trending score (X-Listing-Kind says which).',
          parameters: [
            { name: 'p', in: 'query', description: 'Zero-based page', schema: { type: 'integer', minimum: 0, maximum: 10000, default: 0 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
            period('date', '^\\d{4}-\\d{2}-\\d{2}$', '2025-06-05', 'A day (YYYY-MM-DD)'),
            period('week', '^\\d{4}-W\\d{2}$', '2025-W23', 'An ISO week (YYYY-Www)'),
            period('month', '^\\d{4}-\\d{2}$', '2025-06', 'A month (YYYY-MM)'),
            { name: 'submitter', in: 'query', description: 'Only papers this user submitted (all time unless a period is given)', schema: { type: 'string' } },
            { name: 'sort', in: 'query', description: 'Default: upvotes', schema: { type: 'string', enum: ['publishedAt', 'trending'] } },
            { name: 'category', in: 'query', description: 'arXiv category, e.g. cs.CV', schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'One page of daily papers',
              headers: {
                ...rateLimitHeaders,
                'X-Listing-Kind': { schema: { type: 'string', enum: ['submissions', 'announcements'] } },
                'X-Total-Count': { schema: { type: 'string' } },
              },
              content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/DailyPaper' } } } },
            },
            '304': { description: 'Not modified (If-None-Match / If-Modified-Since)' },
            ...errorResponses,
          },
        },
      },
      '/api/papers/{id}': {
        get: {
          operationId: 'getPaper',
          summary: 'One paper',
          parameters: [arxivIdParam],
          responses: {
            '200': { description: 'The paper', headers: rateLimitHeaders, content: { 'application/json': { schema: { $ref: '#/components/schemas/Paper' } } } },
            '304': { description: 'Not modified' },
            '404': { description: 'No such paper', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
            ...errorResponses,
          },
        },
      },
      '/api/papers/search': {
        get: {
          operationId: 'searchPapers',
          summary: 'Search papers (hybrid lexical and semantic)',
          parameters: [
            {
              name: 'q',
              in: 'query',
              required: true,
              description: 'The query; without it the answer is 400 bad_query.',
              schema: { type: 'string', minLength: 1 },
            },
            { name: 'limit', in: 'query', description: 'Above 100 is a 400, not clamped.', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            {
              name: 'p',
              in: 'query',
              description: 'Zero-based page (search answers at most 1,000 hits)',
              schema: { type: 'integer', minimum: 0, maximum: 49, default: 0 },
            },
            { name: 'category', in: 'query', description: 'arXiv category, e.g. cs.CV', schema: { type: 'string' } },
            { name: 'sort', in: 'query', schema: { type: 'string', enum: ['relevance', 'date', 'trending'], default: 'relevance' } },
            { name: 'mode', in: 'query', schema: { type: 'string', enum: ['hybrid', 'lexical', 'semantic'], default: 'hybrid' } },
          ],
          responses: searchResponses,
        },
        post: {
          operationId: 'searchPapersLong',
          summary: 'Search papers with a query too long for a URL (read-only: no CSRF token needed)',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['q'],
                  properties: { q: { type: 'string', minLength: 1, maxLength: 20_000 }, limit: { type: 'integer', minimum: 1, maximum: 100 } },
                },
              },
            },
          },
          responses: searchResponses,
        },
      },
      '/api/papers/{id}/similar': {
        get: {
          operationId: 'similarPapers',
          summary: 'Papers similar to one paper',
          parameters: [arxivIdParam, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } }],
          responses: {
            '200': {
              description: 'Similar papers, most similar first: daily-papers items with their similarity',
              headers: rateLimitHeaders,
              content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/SimilarItem' } } } },
            },
            '404': { description: 'No such paper', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
            ...errorResponses,
          },
        },
      },

      '/api/papers/{id}/upvote': {
        post: {
          operationId: 'upvotePaper',
          summary: 'Upvote a paper, or take the upvote back',
          security: [{ bearerAuth: [] }],
          parameters: [arxivIdParam],
          requestBody: jsonBody({
            type: 'object',
            additionalProperties: false,
            required: ['upvoted'],
            properties: { upvoted: { type: 'boolean', description: 'the state to set: true upvotes, false withdraws (idempotent, never a toggle)' } },
          }),
          responses: {
            '200': jsonOk('The vote as stored', {
              type: 'object',
              required: ['paperId', 'upvoted', 'upvotes'],
              properties: { paperId: { type: 'string' }, upvoted: { type: 'boolean' }, upvotes: { type: 'integer', minimum: 0 } },
            }),
            '404': { description: 'No such paper', content: errorContent },
            ...writeResponses,
          },
        },
      },
      '/api/papers/{id}/comment': {
        post: {
          operationId: 'commentOnPaper',
          summary: 'Comment on a paper, or reply to a comment',
          security: [{ bearerAuth: [] }],
          parameters: [arxivIdParam],
          requestBody: jsonBody({
            type: 'object',
            additionalProperties: false,
            required: ['comment'],
            properties: { comment: { type: 'string', description: 'Markdown' }, parentCommentId: { type: 'string', maxLength: 100 } },
          }),
          responses: {
            '201': jsonOk("The stored comment and the paper's comment count", {
              type: 'object',
              required: ['comment', 'numComments'],
              properties: { comment: { $ref: '#/components/schemas/Comment' }, numComments: { type: 'integer', minimum: 0 } },
            }),
            '404': { description: 'No such paper', content: errorContent },
            ...writeResponses,
          },
        },
      },
      '/api/papers/{id}/comments': {
        get: {
          operationId: 'paperComments',
          summary: "A paper's discussion as a tree, oldest first",
          parameters: [arxivIdParam],
          responses: {
            '200': jsonOk('The thread', {
              type: 'object',
              required: ['paperId', 'numComments', 'comments'],
              properties: {
                paperId: { type: 'string' },
                numComments: { type: 'integer', minimum: 0 },
                comments: { type: 'array', items: { $ref: '#/components/schemas/Comment' } },
              },
            }),
            '404': { description: 'No such paper', content: errorContent },
            ...errorResponses,
          },
        },
      },
      '/api/papers/submit': {
        post: {
          operationId: 'submitPaper',
          summary: "Submit an arXiv paper to today's Daily Papers",
          security: [{ bearerAuth: [] }],
          requestBody: jsonBody({
            type: 'object',
            additionalProperties: false,
            required: ['paper'],
            properties: { paper: { type: 'string', maxLength: 300, description: 'An arXiv id, or an arxiv.org / huggingface.co/papers URL' } },
          }),
          responses: {
            '201': jsonOk('The submission', {
              type: 'object',
              required: ['paper', 'day', 'submittedBy'],
              properties: {
                paper: { type: 'object', required: ['id', 'title'], properties: { id: { type: 'string' }, title: { type: 'string' } } },
                day: { type: 'string', format: 'date' },
                submittedBy: { type: 'string' },
              },
            }),
            '404': { description: 'arXiv has no such paper (unknown_paper)', content: errorContent },
            '409': { description: 'Already in the Daily Papers (duplicate_submission)', content: errorContent },
            ...writeResponses,
          },
        },
      },
      '/api/admin/status': {
        get: {
          operationId: 'adminStatus',
          summary: "The scheduler's jobs, harvest cursors and paused services (admins only)",
          security: [{ bearerAuth: [] }],
          responses: {
            '200': jsonOk('Scheduler status', { type: 'object' }),
            '401': { description: 'No, or an unknown, access token', content: errorContent },
            '403': { description: 'Not an admin', content: errorContent },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'A personal access token (pf_ followed by 43 characters), made in Settings → Access tokens. Reads need none.',
        },
      },
      schemas: {
        Paper: paper,
        DailyPaper: dailyItem,
        SearchItem: searchItem,
        SimilarItem: similarItem,
        Comment: comment,
        User: user,
        AuthorUser: authorUser,
        Organization: organization,
        Error: error,
      },
    },
  };
}
