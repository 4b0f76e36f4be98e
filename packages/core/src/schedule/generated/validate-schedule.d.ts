import type { ErrorObject } from 'ajv';

/** The schedule schema's validator, compiled at build time by scripts/build-validator.mjs. */
declare const validate: {
	(data: unknown): boolean;
	errors?: ErrorObject[] | null;
};
export default validate;

/** The schema itself (schema/schedule.schema.json), for error messages. */
export declare const schema: { [key: string]: unknown };
