import { serve } from '@hono/node-server'
import { Hono } from 'hono'

// The baseline of the GET /payment benchmark: the same framework and adapter answering a
// constant, so the ratio shows what EPay's own work (signature, database, session, render) costs.
const app = new Hono()
app.get('/', (c) => c.text('ok'))
serve({ fetch: app.fetch, port: Number(process.argv[2]), hostname: '127.0.0.1' }, () => process.stdout.write('ready\n'))
