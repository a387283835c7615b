/**
 * The services behind the official MCP conformance server suite, built with the SDK only: the
 * service `test` provides the fixture tools the scenarios call (`test_simple_text`,
 * `test_image_content`, …) and the service `json` provides `json_schema_2020_12_tool`. Through
 * the gateway their methods become exactly the tool names the suite expects.
 */
import {
  binarySchema,
  defineApi,
  defineMethod,
  encodeBase64,
  type RpcApi,
  RpcError,
  textContentSchema,
} from "@hero/sdk";

/** A 1x1 red PNG. */
export const RED_PIXEL_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

/** A WAV file of 100 ms of silence (8 kHz, 8-bit mono). */
export function silentWav(): string {
  const samples = 800;
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) =>
    [...s].forEach((c, i) => (bytes[at + i] = c.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples, true);
  ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, 8000, true);
  view.setUint32(28, 8000, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  ascii(36, "data");
  view.setUint32(40, samples, true);
  bytes.fill(128, 44);
  return encodeBase64(bytes);
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(new RpcError(-32800, "Request cancelled"));
    }, { once: true });
  });

const none = { params: [] };

/** The `test` service: one method per fixture tool of the suite. */
export function conformanceTestApi(): RpcApi {
  return defineApi({
    info: { title: "MCP conformance fixture", version: "1.0.0" },
    methods: [
      defineMethod({
        name: "simple_text",
        summary: "Returns a simple text",
        ...none,
        result: { name: "text", schema: { type: "string" } },
        annotations: { readOnlyHint: true },
        handler: () => "This is a simple text response for testing.",
      }),
      defineMethod({
        name: "image_content",
        summary: "Returns a PNG image",
        ...none,
        result: { name: "image", schema: binarySchema("image/png") },
        annotations: { readOnlyHint: true },
        handler: () => RED_PIXEL_PNG,
      }),
      defineMethod({
        name: "audio_content",
        summary: "Returns a WAV sound",
        ...none,
        result: { name: "audio", schema: binarySchema("audio/wav") },
        annotations: { readOnlyHint: true },
        handler: () => silentWav(),
      }),
      defineMethod({
        name: "embedded_resource",
        summary: "Returns a text resource",
        ...none,
        result: {
          name: "resource",
          schema: {
            type: "object",
            properties: { uri: { type: "string" }, text: textContentSchema("text/plain") },
          },
        },
        annotations: { readOnlyHint: true },
        handler: () => ({
          uri: "test://embedded-resource",
          text: "This is an embedded resource content.",
        }),
      }),
      defineMethod({
        name: "multiple_content_types",
        summary: "Returns text, an image and a resource",
        ...none,
        result: {
          name: "mixed",
          schema: {
            type: "object",
            properties: {
              title: { type: "string" },
              image: binarySchema("image/png"),
              resource: {
                type: "object",
                properties: {
                  uri: { type: "string" },
                  json: textContentSchema("application/json"),
                },
              },
            },
          },
        },
        annotations: { readOnlyHint: true },
        handler: () => ({
          title: "Multiple content types test:",
          image: RED_PIXEL_PNG,
          resource: {
            uri: "test://mixed-content-resource",
            json: JSON.stringify({ test: "data", value: 123 }),
          },
        }),
      }),
      defineMethod({
        name: "tool_with_logging",
        summary: "Sends three messages to the caller while it runs",
        ...none,
        result: { name: "done", schema: { type: "string" } },
        annotations: { readOnlyHint: true },
        handler: async (_p, ctx) => {
          ctx.logToCaller("info", "Tool execution started");
          await pause(50, ctx.signal);
          ctx.logToCaller("info", "Tool processing data");
          await pause(50, ctx.signal);
          ctx.logToCaller("info", "Tool execution completed");
          return "Logging test completed";
        },
      }),
      defineMethod({
        name: "tool_with_progress",
        summary: "Reports progress 0, 50 and 100 of 100",
        ...none,
        result: { name: "done", schema: { type: "string" } },
        annotations: { readOnlyHint: true },
        handler: async (_p, ctx) => {
          ctx.progress({ progress: 0, total: 100 });
          await pause(50, ctx.signal);
          ctx.progress({ progress: 50, total: 100 });
          await pause(50, ctx.signal);
          ctx.progress({ progress: 100, total: 100 });
          return "Progress test completed";
        },
      }),
      defineMethod({
        name: "error_handling",
        summary: "Always fails",
        ...none,
        result: { name: "never", schema: true },
        handler: () => {
          throw new RpcError(-32000, "This tool intentionally returns an error for testing");
        },
      }),
    ],
  });
}

/** The `json` service: `schema_2020_12_tool`, whose params use a shared schema. */
export function conformanceJsonApi(): RpcApi {
  return defineApi({
    info: { title: "MCP conformance fixture (JSON Schema)", version: "1.0.0" },
    components: {
      schemas: {
        address: {
          type: "object",
          properties: { street: { type: "string" }, city: { type: "string" } },
        },
      },
    },
    methods: [
      defineMethod<{ name?: string; address?: unknown }>({
        name: "schema_2020_12_tool",
        summary: "Tool with JSON Schema 2020-12 features",
        params: [
          { name: "name", schema: { type: "string" } },
          { name: "address", schema: { $ref: "#/components/schemas/address" } },
        ],
        result: { name: "echo", schema: { type: "object" } },
        annotations: { readOnlyHint: true },
        handler: (p) => ({ ...p }),
      }),
    ],
  });
}
