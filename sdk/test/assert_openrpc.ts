/** Test helper: asserts that a document is valid against the official OpenRPC meta-schema. */
import assert from "node:assert/strict";
import metaSchema from "@open-rpc/meta-schema";
import { Ajv } from "ajv";

const validate = new Ajv({ strict: false }).compile(metaSchema as object);

/** Fails with the meta-schema's errors unless `doc` is a valid OpenRPC document. */
export function assertValidOpenRpc(doc: unknown): void {
  assert.equal(validate(structuredClone(doc)), true, JSON.stringify(validate.errors, null, 2));
}
