// The target fields that hold URLs, found by walking the target schemas: redaction scrubs the
// credentials in each (user:password@, token query parameters), so a new endpoint field cannot be
// forgotten by a hand-written list.
import { z } from '../zod.js';
import { httpUrl, targetSchemas } from './schema.js';

/** Fields built from `httpUrl` in any target schema (url, endpoint, apiEndpoint...). */
export const CREDENTIAL_URL_FIELDS: ReadonlySet<string> = new Set(
  Object.values(targetSchemas).flatMap((schema) =>
    Object.entries(schema.shape)
      .filter(([, field]) => isHttpUrlField(field))
      .map(([key]) => key),
  ),
);

function isHttpUrlField(field: z.ZodType): boolean {
  const inner = field instanceof z.ZodOptional || field instanceof z.ZodNullable || field instanceof z.ZodDefault ? field.unwrap() : field;
  // A URL or a keyword (`url: auto`): still a URL field.
  if (inner instanceof z.ZodUnion) return inner.options.some((option) => option instanceof z.ZodType && isHttpUrlField(option));
  // .describe() and friends clone a schema but keep its definition.
  return inner instanceof z.ZodType && inner.def === httpUrl.def;
}

