// Entry point for `pilot-agent istio-iptables ...` (argv after the sub-command).
export async function istioIptablesMain(argv: string[]): Promise<number> {
  process.stderr.write(`istio-iptables: not implemented yet (args: ${argv.join(' ')})\n`);
  return 1;
}
