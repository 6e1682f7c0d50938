import { z } from 'zod';
import { TransactionSchema } from '../domain/transaction.ts';
import { DecidedTransactionSchema, ErrorSchema, FallbackSchema, InvalidSchema, UndecidedSchema } from './schemas.ts';

type JsonObject = Record<string, unknown>;

/** JSON Schema 2020-12 (the dialect of OpenAPI 3.1) of a zod schema, as a component. */
function component(schema: z.ZodType): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as JsonObject;
  return rest;
}

const json = (name: string, description: string): JsonObject => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
});

const decide = {
  operationId: 'decide',
  summary: 'Decide a transaction before the money moves',
  description:
    'Writes the transaction to the transactions topic and answers with its decision from the stream: the same record as on the legit or fraud topic. ' +
    'A retry with the same Idempotency-Key (default: the transaction id) returns the first answer, never a second decision.',
  parameters: [
    {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: { type: 'string', minLength: 1, maxLength: 256 },
      description: 'Requests with one key get one decision. Default: the transaction id. A transaction without an id gets "idem-" + the first 32 hex digits of the SHA-256 of the key.',
    },
  ],
  requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Transaction' } } } },
  responses: {
    '200': json('DecidedTransaction', 'Decided (header Idempotent-Replayed: true when the answer of an earlier request with the key)'),
    '400': json('Invalid', 'Invalid transaction, with the code the dead letter would carry; nothing was written'),
    '401': json('Error', 'A token is set and the request has no valid Authorization: Bearer header'),
    '403': json('Error', 'Not a local host name (without a token), or a cross-site browser request'),
    '409': json('Error', 'The Idempotency-Key was used before with another body'),
    '413': json('Invalid', 'Body larger than FRAUD_MAX_RECORD_BYTES (error TOO_LARGE)'),
    '422': json('Undecided', 'Accepted, but the detector sent it to the dead letter'),
    '429': json('Error', 'Too many requests waiting for decisions (API_MAX_IN_FLIGHT): retry after Retry-After'),
    '500': json('Undecided', 'The detector failed on it (DECIDE_FAILED)'),
    '503': json('Fallback', 'No decision within the deadline (the transaction is still decided on the stream, exactly once), or the log did not take it'),
  },
};

/** The OpenAPI 3.1 document of the decision API, built from the schemas that validate. */
export function openApiDocument(version: string): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fraud detector decision API',
      version,
      description: 'Synchronous decisions over the log: the detector that owns the paying account\'s partition decides, with the state it holds.',
    },
    paths: {
      '/v1/decisions': { post: { ...decide, security: [{}, { bearer: [] }] } },
      '/v1/openapi.json': { get: { operationId: 'openapi', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/healthz': { get: { operationId: 'health', summary: 'Serving, with the state of the log and of the reader of decisions', security: [], responses: { '200': { description: 'ok' }, '503': { description: 'unavailable' } } } },
      '/metrics': { get: { operationId: 'metrics', summary: 'Prometheus metrics of the process', responses: { '200': { description: 'text/plain; version=0.0.4' } } } },
    },
    components: {
      schemas: {
        Transaction: component(TransactionSchema),
        DecidedTransaction: component(DecidedTransactionSchema),
        Invalid: component(InvalidSchema),
        Error: component(ErrorSchema),
        Fallback: component(FallbackSchema),
        Undecided: component(UndecidedSchema),
      },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API_TOKEN; required when the API listens beyond loopback' } },
    },
  };
}
