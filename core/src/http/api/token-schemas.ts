/** The JSON schemas of `/api/v2/tokens` (DESIGN §10); routes validate with them and openapi.json shows them. */
type Schema = Record<string, unknown>;

const scopeSchema: Schema = {
  type: 'object',
  required: ['access', 'repositories'],
  additionalProperties: false,
  properties: {
    access: { enum: ['read', 'write'], description: 'read: GET/HEAD; write: publish, PUT and DELETE on local repositories, and read' },
    repositories: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      description: 'Repository names (remote, local or virtual), or ["*"] for every repository',
      items: { type: 'string', pattern: '^(\\*|[A-Za-z0-9][A-Za-z0-9._-]*)$' },
    },
  },
};

export const tokenInputSchema: Schema = {
  type: 'object',
  required: ['name', 'scopes'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, description: 'What the token is for (shown in lists, not unique)' },
    scopes: { type: 'array', minItems: 1, items: scopeSchema },
    expires_at: { type: ['string', 'null'], format: 'date-time', description: 'When the token stops working; null or absent: never' },
  },
};

/** A token as listed: never its secret or its hash. */
export const tokenSchema: Schema = {
  type: 'object',
  required: ['id', 'name', 'scopes', 'created_at', 'expires_at', 'last_used_at'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: 'The {id} of DELETE /api/v2/tokens/{id}' },
    name: { type: 'string' },
    scopes: { type: 'array', items: scopeSchema },
    created_at: { type: 'string', format: 'date-time' },
    expires_at: { type: ['string', 'null'], format: 'date-time' },
    last_used_at: { type: ['string', 'null'], format: 'date-time', description: 'Recorded at most once a minute per replica' },
  },
};

/** What POST answers, once: the token and its secret, which the server does not keep. */
export const createdTokenSchema: Schema = {
  ...tokenSchema,
  required: [...(tokenSchema['required'] as string[]), 'token'],
  properties: {
    ...(tokenSchema['properties'] as Schema),
    token: { type: 'string', pattern: '^aapi_', description: 'The secret: shown in this answer only. Send it as Authorization: Bearer <token>, or as the password of Basic credentials' },
  },
};

export const tokenIdParams: Schema = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } };
