/**
 * Who burned the CPU during a timed section: the server child or this (client) process.
 * On a small or shared machine the two compete for cores, so a low figure needs this to
 * be read: server CPU time per record is what the server costs, whatever the contention.
 */
import { procCpuMs } from './server-process.js'

export interface CpuUse {
  readonly wallMs: number
  /** CPU time (user + system, all threads) over the section. */
  readonly serverMs: number
  readonly clientMs: number
}

export async function withCpuUse<T> (serverPid: number, body: () => Promise<T>): Promise<[T, CpuUse]> {
  const serverBefore = await procCpuMs(serverPid)
  const clientBefore = process.cpuUsage()
  const started = performance.now()
  const result = await body()
  const wallMs = performance.now() - started
  const serverMs = (await procCpuMs(serverPid)) - serverBefore
  const client = process.cpuUsage(clientBefore)
  return [result, { wallMs, serverMs, clientMs: (client.user + client.system) / 1000 }]
}

/** e.g. "CPU: server 82% (46 us/record), client 20% of a core". */
export function cpuText (use: CpuUse, records: number): string {
  const pct = (ms: number): string => `${((100 * ms) / use.wallMs).toFixed(0)}%`
  const perRecord = records > 0 ? ` (${((1000 * use.serverMs) / records).toFixed(1)} us/record)` : ''
  return `CPU: server ${pct(use.serverMs)}${perRecord}, client ${pct(use.clientMs)} of a core`
}
