/**
 * Acting on elements: click, type, fill_form, press_key, hover, drag, select_option,
 * file_upload and handle_dialog — named and shaped like Playwright MCP's tools. Elements are
 * named by a reference from the latest snapshot (`e12`) or a unique selector (`target`).
 */
import path from "node:path";
import { HeroError } from "@hero/sdk";
import { browserMethod, type MethodDeps } from "./browser_method.ts";
import { assertNoDialog, locate, PAGE_STATE_SCHEMA, pageState } from "../chromium/page_state.ts";

const element = {
  name: "element",
  schema: {
    type: "string",
    description:
      "Human-readable element description used to obtain permission to interact with the element",
  },
};
const target = {
  name: "target",
  required: true,
  schema: {
    type: "string",
    description:
      "Exact target element reference from the page snapshot, or a unique element selector",
  },
};
const pageResult = { name: "page", schema: PAGE_STATE_SCHEMA };

/** The element input methods. */
export function inputMethods(deps: MethodDeps) {
  return [
    browserMethod<{ target: string; doubleClick?: boolean; button?: string; modifiers?: string[] }>(
      {
        name: "click",
        summary: "Perform click on a web page",
        params: [
          element,
          target,
          {
            name: "doubleClick",
            schema: {
              type: "boolean",
              description: "Whether to perform a double click instead of a single click",
            },
          },
          {
            name: "button",
            schema: {
              type: "string",
              enum: ["left", "right", "middle"],
              description: "Button to click, defaults to left",
            },
          },
          {
            name: "modifiers",
            schema: {
              type: "array",
              items: { type: "string", enum: ["Alt", "Control", "ControlOrMeta", "Meta", "Shift"] },
              description: "Modifier keys to press",
            },
          },
        ],
        result: pageResult,
        kind: "act",
        run: async ({ target, doubleClick, button, modifiers }, { session }) => {
          const tab = await session.tab();
          assertNoDialog(tab);
          const locator = await locate(tab, target);
          const opts = {
            button: button as "left" | "right" | "middle" | undefined,
            modifiers: modifiers as ("Alt" | "Control" | "ControlOrMeta" | "Meta" | "Shift")[],
          };
          // A click that opens a dialog finishes once the dialog is up.
          const act = doubleClick ? locator.dblclick(opts) : locator.click(opts);
          await Promise.race([act, tab.dialogOpened()]);
          return pageState(tab);
        },
      },
      deps,
    ),
    browserMethod<{ target: string; text: string; submit?: boolean; slowly?: boolean }>({
      name: "type",
      summary: "Type text into editable element",
      params: [
        element,
        target,
        {
          name: "text",
          required: true,
          schema: { type: "string", description: "Text to type into the element" },
        },
        {
          name: "submit",
          schema: {
            type: "boolean",
            description: "Whether to submit entered text (press Enter after)",
          },
        },
        {
          name: "slowly",
          schema: {
            type: "boolean",
            description: "Whether to type one character at a time. Useful for triggering key " +
              "handlers in the page. By default entire text is filled in at once.",
          },
        },
      ],
      result: pageResult,
      kind: "act",
      run: async ({ target, text, submit, slowly }, { session }) => {
        const tab = await session.tab();
        assertNoDialog(tab);
        const locator = await locate(tab, target);
        if (slowly) await locator.pressSequentially(text);
        else await locator.fill(text);
        if (submit) await Promise.race([locator.press("Enter"), tab.dialogOpened()]);
        return pageState(tab);
      },
    }, deps),
    browserMethod<{ fields: { target: string; name: string; type: string; value: string }[] }>({
      name: "fill_form",
      summary: "Fill multiple form fields",
      params: [{
        name: "fields",
        required: true,
        schema: {
          type: "array",
          description: "Fields to fill in",
          items: {
            type: "object",
            properties: {
              element: element.schema,
              target: target.schema,
              name: { type: "string", description: "Human-readable field name" },
              type: {
                type: "string",
                enum: ["textbox", "checkbox", "radio", "combobox", "slider"],
                description: "Type of the field",
              },
              value: {
                type: "string",
                description: "Value to fill in the field. If the field is a checkbox, the value " +
                  "should be `true` or `false`. If the field is a combobox, the value should be " +
                  "the text of the option.",
              },
            },
            required: ["target", "name", "type", "value"],
            additionalProperties: false,
          },
        },
      }],
      result: pageResult,
      kind: "act",
      run: async ({ fields }, { session }) => {
        const tab = await session.tab();
        assertNoDialog(tab);
        for (const field of fields) {
          const locator = await locate(tab, field.target);
          if (field.type === "checkbox" || field.type === "radio") {
            await locator.setChecked(field.value === "true");
          } else if (field.type === "combobox") {
            await locator.selectOption({ label: field.value });
          } else await locator.fill(field.value);
        }
        return pageState(tab);
      },
    }, deps),
    browserMethod<{ key: string }>({
      name: "press_key",
      summary: "Press a key on the keyboard",
      params: [{
        name: "key",
        required: true,
        schema: {
          type: "string",
          description: "Name of the key to press or a character to generate, such as " +
            "`ArrowLeft` or `a`",
        },
      }],
      result: pageResult,
      kind: "act",
      run: async ({ key }, { session }) => {
        const tab = await session.tab();
        assertNoDialog(tab);
        await Promise.race([tab.page.keyboard.press(key), tab.dialogOpened()]);
        return pageState(tab);
      },
    }, deps),
    browserMethod<{ target: string }>({
      name: "hover",
      summary: "Hover over element on page",
      params: [element, target],
      result: pageResult,
      kind: "act",
      run: async ({ target }, { session }) => {
        const tab = await session.tab();
        assertNoDialog(tab);
        await (await locate(tab, target)).hover();
        return pageState(tab);
      },
    }, deps),
    browserMethod<{ startTarget: string; endTarget: string }>({
      name: "drag",
      summary: "Perform drag and drop between two elements",
      params: [
        { ...element, name: "startElement" },
        { ...target, name: "startTarget" },
        { ...element, name: "endElement" },
        { ...target, name: "endTarget" },
      ],
      result: pageResult,
      kind: "act",
      run: async ({ startTarget, endTarget }, { session }) => {
        const tab = await session.tab();
        assertNoDialog(tab);
        const from = await locate(tab, startTarget);
        await from.dragTo(await locate(tab, endTarget));
        return pageState(tab);
      },
    }, deps),
    browserMethod<{ target: string; values: string[] }>({
      name: "select_option",
      summary: "Select an option in a dropdown",
      params: [
        element,
        target,
        {
          name: "values",
          required: true,
          schema: {
            type: "array",
            items: { type: "string" },
            description: "Array of values to select in the dropdown. This can be a single " +
              "value or multiple values.",
          },
        },
      ],
      result: pageResult,
      kind: "act",
      run: async ({ target, values }, { session }) => {
        const tab = await session.tab();
        assertNoDialog(tab);
        await (await locate(tab, target)).selectOption(values);
        return pageState(tab);
      },
    }, deps),
    browserMethod<{ paths?: string[] }>({
      name: "file_upload",
      summary: "Upload one or multiple files",
      description: "Answers the file chooser the page opened. Only files inside the service's " +
        "upload directories (--upload-dir) can be sent.",
      params: [{
        name: "paths",
        schema: {
          type: "array",
          items: { type: "string" },
          description: "The absolute paths to the files to upload. Can be single file or " +
            "multiple files. If omitted, file chooser is cancelled.",
        },
      }],
      result: pageResult,
      kind: "act",
      run: async ({ paths }, { session, sessions }) => {
        const tab = await session.tab();
        const chooser = tab.fileChooser;
        if (!chooser) {
          throw new HeroError(
            "NO_FILE_CHOOSER",
            "No file chooser is open; click the upload control first",
          );
        }
        tab.fileChooser = undefined;
        const files = paths ?? [];
        const dirs = sessions.options.uploadDirs.map((d) => path.resolve(d));
        for (const file of files) {
          const full = path.resolve(file);
          if (!dirs.some((d) => full.startsWith(d + path.sep))) {
            throw new HeroError(
              "PATH_REFUSED",
              `Cannot upload ${file}: only files inside the upload directories ` +
                `(${dirs.join(", ") || "none configured"}) can be sent`,
            );
          }
        }
        await chooser.setFiles(files);
        return pageState(tab);
      },
    }, deps),
    browserMethod<{ accept: boolean; promptText?: string }>({
      name: "handle_dialog",
      summary: "Handle a dialog",
      params: [
        {
          name: "accept",
          required: true,
          schema: { type: "boolean", description: "Whether to accept the dialog." },
        },
        {
          name: "promptText",
          schema: {
            type: "string",
            description: "The text of the prompt in case of a prompt dialog.",
          },
        },
      ],
      result: pageResult,
      kind: "act",
      run: async ({ accept, promptText }, { session }) => {
        const tab = await session.tab();
        const dialog = tab.dialog;
        if (!dialog) throw new HeroError("NO_DIALOG", "No dialog is open");
        tab.dialog = undefined;
        if (accept) await dialog.accept(promptText);
        else await dialog.dismiss();
        return pageState(tab);
      },
    }, deps),
  ];
}
