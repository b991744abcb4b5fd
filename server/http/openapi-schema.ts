import type * as v from 'valibot'

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = { [key: string]: unknown }

type AnySchema = v.GenericSchema & {
  type: string
  pipe?: ReadonlyArray<{ kind: string; type: string; requirement?: unknown; description?: string; message?: unknown }>
  entries?: Record<string, AnySchema>
  wrapped?: AnySchema
  default?: unknown
  options?: readonly unknown[]
  item?: AnySchema
  value?: AnySchema
  literal?: unknown
}

/**
 * Describes a valibot schema as JSON Schema, so the OpenAPI document is generated from the very
 * schemas the server validates with and cannot drift from them.
 * Hint: it describes what a client sends (the input side): actions after a `transform` are
 * about the output and are left out. A schema kind it does not know throws, so a new kind is
 * never documented wrongly in silence.
 */
export function toJsonSchema(schema: v.GenericSchema): JsonSchema {
  const s = schema as AnySchema
  const out = base(s)
  for (const action of s.pipe?.slice(1) ?? []) {
    if (action.type === 'transform') break
    applyAction(out, action)
  }
  return out
}

function base(s: AnySchema): JsonSchema {
  switch (s.type) {
    case 'string':
      return { type: 'string' }
    case 'number':
      return { type: 'number' }
    case 'boolean':
      return { type: 'boolean' }
    case 'unknown':
      return {}
    case 'literal':
      return { const: s.literal }
    case 'picklist':
      return { enum: [...(s.options ?? [])] }
    case 'optional':
      return { ...toJsonSchema(need(s.wrapped, s)), ...(s.default !== undefined && typeof s.default !== 'function' ? { default: s.default } : {}) }
    case 'array':
      return { type: 'array', items: toJsonSchema(need(s.item, s)) }
    case 'record':
      return { type: 'object', additionalProperties: toJsonSchema(need(s.value, s)) }
    case 'union':
      return { anyOf: (s.options as AnySchema[]).map(toJsonSchema) }
    case 'object':
    case 'loose_object':
    case 'strict_object': {
      const entries = Object.entries(s.entries ?? {})
      const required = entries.filter(([, e]) => e.type !== 'optional').map(([k]) => k)
      return {
        type: 'object',
        properties: Object.fromEntries(entries.map(([k, e]) => [k, toJsonSchema(e)])),
        ...(required.length > 0 ? { required } : {}),
        ...(s.type === 'strict_object' ? { additionalProperties: false } : {}),
      }
    }
    default:
      throw new Error(`toJsonSchema: cannot describe a valibot "${s.type}" schema`)
  }
}

function applyAction(out: JsonSchema, action: NonNullable<AnySchema['pipe']>[number]): void {
  switch (action.type) {
    case 'min_length':
      out['minLength'] = action.requirement
      return
    case 'max_length':
      out['maxLength'] = action.requirement
      return
    case 'min_value':
      out['minimum'] = action.requirement
      return
    case 'max_value':
      out['maximum'] = action.requirement
      return
    case 'regex':
      out['pattern'] = (action.requirement as RegExp).source
      return
    case 'url':
      out['format'] = 'uri'
      return
    case 'integer':
    case 'safe_integer':
      out['type'] = 'integer'
      return
    case 'description':
      out['description'] = action.description
      return
    case 'check':
      // A rule across fields (e.g. "card or account_token"): stated in words.
      out['description'] = [out['description'], `Rule: ${String(action.message)}.`].filter(Boolean).join(' ')
      return
    default:
      throw new Error(`toJsonSchema: cannot describe the valibot action "${action.type}"`)
  }
}

function need(inner: AnySchema | undefined, outer: AnySchema): AnySchema {
  if (!inner) throw new Error(`toJsonSchema: malformed ${outer.type} schema`)
  return inner
}
