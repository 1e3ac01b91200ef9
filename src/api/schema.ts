// Building blocks for structural schemas, in protobuf-JSON terms as Istio's CRDs accept them.
import { z } from 'zod';

/** A message: unknown fields are errors. */
export const message = z.strictObject;

export const uint32 = z.int().min(0).max(4294967295);
export const int32 = z.int().min(-2147483648).max(2147483647);
/** int64/uint64 may be written as a JSON number or a decimal string. */
export const int64 = z.union([z.int(), z.string().regex(/^-?\d+$/)]);
export const uint64 = z.union([z.int().min(0), z.string().regex(/^\d+$/)]);
/** google.protobuf.Duration written as a string ("10s", "1m30s"); checked semantically. */
export const duration = z.string();
export const stringMap = z.record(z.string(), z.string());
/** google.protobuf.Struct / Value: any JSON. */
export const anyJson: z.ZodType<unknown> = z.unknown();
export const percent = z.number().min(0).max(100);
/** istio.networking.v1alpha3.Percent is a message `{ value: double }`. */
export const percentMessage = z.strictObject({ value: z.number() });
export const boolValue = z.boolean();

export { z };
