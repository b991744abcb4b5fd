import * as v from 'valibot'
import { ProjectIdSchema } from './common.ts'
import { PageMethodSchema } from './projects.ts'

/** The providers a live project can be connected to (issue 14). */
export const CONNECTION_PROVIDERS = ['ecommpay-gate'] as const
export type ConnectionProvider = (typeof CONNECTION_PROVIDERS)[number]

/**
 * Why `text` cannot be an upstream gateway's base URL, or `undefined`. The dashboard and the CLI
 * both check with it. The upstream is reached over https; plain http only to this machine's
 * loopback (a second EPay beside this one, tests), where nothing crosses a network. Credentials
 * in the URL would be stored and logged unsealed, unlike the secret.
 */
export function upstreamUrlProblem(text: string): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'must be the upstream gateway\'s base URL (https://…)'
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return 'must be https (http only to this machine\'s loopback)'
  if (url.username || url.password || url.search || url.hash) return 'takes no credentials, query or fragment'
  return undefined
}

export const UpstreamUrlSchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(2048, 'is too long'),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? upstreamUrlProblem(dataset.value) : undefined
    if (problem) addIssue({ message: problem })
  }),
  v.transform((text) => new URL(text).toString().replace(/\/+$/, '')),
)

/** Connect (or reconnect) a project to an upstream gateway. The secret is sealed on arrival and never shown again. */
export const ConnectionBodySchema = v.object({
  provider: v.picklist(CONNECTION_PROVIDERS, 'unknown provider'),
  url: UpstreamUrlSchema,
  upstream_project_id: ProjectIdSchema,
  methods: v.pipe(v.array(PageMethodSchema), v.minLength(1, 'choose at least one method')),
  secret: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(512, 'is too long')),
})

/** A project's connection as anyone who may see the project sees it: everything but the secret. */
export const ConnectionViewSchema = v.object({
  connection: v.nullable(v.object({
    provider: v.picklist(CONNECTION_PROVIDERS),
    url: v.string(),
    upstream_project_id: v.number(),
    methods: v.array(v.string()),
  })),
})
export type ConnectionView = v.InferOutput<typeof ConnectionViewSchema>
