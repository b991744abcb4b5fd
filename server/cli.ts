// Each command's module is loaded only when that command runs: `sign` (run once per example by
// the API guide's curl examples) then starts without the database, the vault or the providers.
const USAGE = `usage: npm run cli -- <command>
  project add --id N --name S [--org ID] [--secret-stdin] [--callback-url U] [--origin O]... [--return-host H]... [--test]
  project list
  project rotate-secret --id N [--revoke-old]
  project connect --id N --provider ecommpay-gate --url U --upstream-project-id P --secret-stdin [--methods card,jeton]
  project disconnect --id N
  project commission --id N --bps B
  sign --secret-stdin [JSON]   (prints the Gate request with general.signature)
  limits set --project N --operation sale|auth|recurring|refund|payout --currency C [--min A] [--max A] [--daily-amount A] [--daily-count N]
  limits list --project N
  org add --name S | org list
  user add --email E --role R [--org ID] [--project N]... --password-stdin | user list [--org ID] | user disable --email E
  journal verify
Secrets are read from stdin (first line): a command line is visible to every user of the machine.`

const COMMANDS: Record<string, () => Promise<(args: string[]) => Promise<void>>> = {
  project: async () => {
    const { projectCommand } = await import('./cli/project.ts')
    return (args) => projectCommand(args, USAGE)
  },
  sign: async () => (await import('./cli/sign.ts')).signCommand,
  limits: async () => (await import('./cli/limits.ts')).limitsCommand,
  org: async () => (await import('./cli/org.ts')).orgCommand,
  user: async () => (await import('./cli/user.ts')).userCommand,
  journal: async () => (await import('./cli/journal.ts')).journalCommand,
}

async function main([group, ...rest]: string[]): Promise<void> {
  const load = group === undefined ? undefined : COMMANDS[group]
  if (!load) throw new Error(USAGE)
  await (await load())(rest)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
