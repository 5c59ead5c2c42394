// Validators for the schemas of our OpenAPI document (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses), so tests check
// live responses against what the document promises.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export interface OpenApiSchemas {
  /** The validator of components.schemas[name]. */
  schema(name: string): any;
  /** A validator for an array of components.schemas[name]. */
  arrayOf(name: string): any;
}

export function openApiSchemas(doc: any): OpenApiSchemas {
  const ajv = new (Ajv2020 as any)({ strict: false, allErrors: true });
  (addFormats as any)(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  return {
    schema: (name) => ajv.getSchema(`openapi#/components/schemas/${name}`)!,
    arrayOf: (name) => ajv.compile({ type: 'array', items: { $ref: `openapi#/components/schemas/${name}` } }),
  };
}

/** The first few errors of a failed validation, for an assertion's message. */
export function errorsOf(validate: any): string {
  return JSON.stringify(validate.errors?.slice(0, 3));
}
