// The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json. Contract tests validate real
// responses against these schemas, so the document cannot drift from the code unnoticed.

const error = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
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

const errorResponses = {
  '400': { description: 'A parameter is invalid; the message names it.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '429': {
    description: 'Rate limit exceeded (see RateLimit and RateLimit-Policy headers, and Retry-After).',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
};

const searchResponses = {
  '200': {
    description: 'Matching papers, best first, in the shape of Hugging Face search results',
    content: {
      'application/json': {
        schema: {
          type: 'array',
          items: { type: 'object', required: ['paper'], properties: { paper: { $ref: '#/components/schemas/Paper' } } },
        },
      },
    },
  },
  ...errorResponses,
};

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

export function openApiDocument(baseUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Paperfeed API',
      version: '1.0.0',
      description:
        "Daily Papers, papers and search. Shapes follow Hugging Face's papers API so its clients work unchanged. Anonymous use is rate limited per client address.",
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
            { name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 1, maxLength: 20_000 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
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
          parameters: [arxivIdParam, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50 } }],
          responses: {
            '200': {
              description: 'Similar papers, most similar first',
              content: {
                'application/json': {
                  schema: {
                    type: 'array',
                    items: { type: 'object', required: ['paper'], properties: { paper: { $ref: '#/components/schemas/Paper' }, score: { type: 'number' } } },
                  },
                },
              },
            },
            '404': { description: 'No such paper', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
            ...errorResponses,
          },
        },
      },
    },
    components: {
      schemas: { Paper: paper, DailyPaper: dailyItem, User: user, AuthorUser: authorUser, Organization: organization, Error: error },
    },
  };
}
